"""Fetch the official JSON-Schema-Test-Suite (draft 2020-12 and its remotes) into
tests/security/.suite, from the python-jsonschema source release, which carries it.

Run by tests/run.sh when the folder is missing, before the tests (which have no network).
The release is pinned, so the suite is the same on every machine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

RELEASE = "jsonschema==4.26.0"
HERE = Path(__file__).resolve().parent
TARGET = HERE / ".suite"
WANTED = ("json/tests/draft2020-12/", "json/remotes/", "json/LICENSE")


def main() -> None:
    if (TARGET / "tests" / "draft2020-12").is_dir():
        return
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", "--dest", work, RELEASE], check=True)
        [archive] = Path(work).glob("jsonschema-*.tar.gz")
        staging = Path(work) / "suite"
        with tarfile.open(archive) as tar:
            members = []
            for member in tar.getmembers():
                inner = member.name.split("/", 1)[1] if "/" in member.name else ""
                if member.isfile() and inner.startswith(WANTED):
                    member.name = inner.removeprefix("json/")
                    members.append(member)
            tar.extractall(staging, members=members, filter="data")
        shutil.rmtree(TARGET, ignore_errors=True)
        shutil.move(str(staging), TARGET)
    print(f"JSON-Schema-Test-Suite in {TARGET.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
