"""Refresh the output shown under each ``$ coprod ...`` line in the docs' console blocks.

The docs show real output: this runs each command and writes what it printed under it, and
the tests fail if a page shows anything else.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

BLOCK = re.compile(r"(```console\n)(.*?)(```)", re.S)


def run(command: str, cwd: Path) -> str:
    args = shlex.split(command)
    result = subprocess.run([sys.executable, "-m", "coprod_standard", *args[1:]], cwd=cwd,
                            capture_output=True, text=True, timeout=300)
    return result.stdout


def refresh(text: str, cwd: Path) -> str:
    def block(match: re.Match) -> str:
        out = []
        for line in match.group(2).splitlines():
            if line.startswith("$ coprod"):
                out += [line, *run(line[2:], cwd).rstrip("\n").splitlines()]
            elif not out or not out[0].startswith("$ "):
                out.append(line)  # text before the first command is kept as it is
        return match.group(1) + "\n".join(out) + "\n" + match.group(3)

    return BLOCK.sub(block, text)


def write(docs_dir: Path, cwd: Path) -> list[Path]:
    written = []
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if "$ coprod" not in text:
            continue
        new = refresh(text, cwd)
        if new != text:
            page.write_text(new, encoding="utf-8")
            written.append(page)
    return written
