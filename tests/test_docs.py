"""The docs: generated pages match their sources, docs examples really run, the site builds."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from coprod_standard.generate.docs import pages
from tests.conftest import ROOT, run_coprod

DOCS = ROOT / "docs"


@pytest.mark.parametrize("relative", sorted(pages()))
def test_generated_reference_pages_are_up_to_date(relative):
    committed = (DOCS / relative).read_text(encoding="utf-8")
    assert committed == pages()[relative], (
        f"docs/{relative} is out of date: run python -m coprod_standard.generate")


def _console_examples():
    """Each '$ coprod ...' line in a console block, with the output shown under it."""
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
            lines = block.splitlines()
            starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
            for n, start in enumerate(starts):
                end = starts[n + 1] if n + 1 < len(starts) else len(lines)
                yield page.name, lines[start][2:], lines[start + 1:end]


EXAMPLES = list(_console_examples())


def _normal(lines):
    return [" ".join(line.split()) for line in lines if line.strip()]


def test_the_docs_have_runnable_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("page,command,expected", EXAMPLES,
                         ids=[f"{p}:{c}" for p, c, _ in EXAMPLES])
def test_docs_examples_give_the_output_shown(page, command, expected):
    args = shlex.split(command)
    assert args[0] == "coprod"
    result = run_coprod(*args[1:])
    assert "Traceback" not in result.stderr
    assert _normal(result.stdout.splitlines()) == _normal(expected)


def test_the_site_builds_without_warnings(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                             str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "reference" / "schema" / "index.html").is_file()


def test_the_readme_opens_with_the_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme, flags=re.S).group(1).strip().splitlines()
    assert readme.index("```bash") < 40 and len(block) == 2
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert block[0] in ci_lines  # install and validate the examples
    assert block[1] in ci_lines  # install and run the tests
