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


def test_the_promises_page_names_only_tests_that_exist():
    named = set(re.findall(r"`(tests/[\w/]+\.py)`", (DOCS / "guarantees.md").read_text()))
    assert len(named) >= 8
    assert sorted(p for p in named if not (ROOT / p).is_file()) == []


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


def test_every_issue_and_check_code_has_its_page_and_no_page_is_left_over():
    from coprod_standard.issues import catalogue

    codes = {kind.code for kind in catalogue()}
    generated = {p for p in pages() if p.startswith("reference/codes/")}
    assert generated == {f"reference/codes/{code}.md" for code in codes}
    on_disk = {f"reference/codes/{p.name}" for p in (DOCS / "reference" / "codes").glob("*.md")}
    assert on_disk == generated, "run python -m coprod_standard.generate and remove old pages"
    index = (DOCS / "reference" / "issue-codes.md").read_text(encoding="utf-8")
    assert all(f"(codes/{code}.md)" in index for code in codes)


def test_every_field_and_codelist_of_every_version_is_in_the_reference():
    from coprod_standard.codelists import load_codelists
    from coprod_standard.fields import fields
    from coprod_standard.schemas import latest_version, version_names

    for version in version_names():
        suffix = "" if version == latest_version() else f"-{version}"
        schema = pages()[f"reference/schema{suffix}.md"]
        for path in fields(version):
            if path and path[-1] != "*":
                assert f"| `{path[-1]}` |" in schema, (version, path)
        codelists = pages()[f"reference/codelists{suffix}.md"]
        for name, codelist in load_codelists(version).items():
            assert f"## {codelist.name}" in codelists
            assert all(f"| `{c.code}` |" in codelists for c in codelist.codes), name


def _commands(group=None, prefix=("coprod",)):
    from coprod_standard.cli import cli

    group = group or cli
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + (name,))


def test_every_command_and_option_has_help_and_a_guide_mentions_the_command():
    guides = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    for path, command in _commands():
        assert (command.help or "").strip(), f"{' '.join(path)} has no help"
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                assert (param.help or "").strip(), f"{' '.join(path)} {param.opts} has no help"
        assert " ".join(path) in guides, f"no guide page mentions '{' '.join(path)}'"


def _documented_command_lines():
    for page in sorted(DOCS.rglob("*.md")) + [ROOT / "README.md"]:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```(?:bash|console|sh)\n(.*?)```", text, flags=re.S):
            joined = re.sub(r"\\\n\s*", " ", block)
            for line in joined.splitlines():
                line = line.removeprefix("$ ").strip()
                match = re.match(r"(?:\.venv/bin/)?coprod\s.*", line)
                if match:
                    yield page.name, match.group(0).split("  #")[0].split(" # ")[0]


DOCUMENTED = list(_documented_command_lines())


@pytest.mark.parametrize("page,line", DOCUMENTED, ids=[f"{p}:{c}" for p, c in DOCUMENTED])
def test_every_command_shown_in_the_docs_is_one_the_toolkit_accepts(page, line):
    """Commands shown as usage (not run, because they need the user's files or the web)
    are parsed by the real command line: a renamed option or command fails here."""
    import click

    from coprod_standard.cli import cli

    args = shlex.split(line)[1:]
    args = [a for a in args if a not in ("&&",)]
    try:
        ctx = cli.make_context("coprod", list(args), resilient_parsing=False)
        while isinstance(ctx.command, click.Group) and ctx.protected_args + ctx.args:
            name, cmd, rest = ctx.command.resolve_command(ctx, ctx.protected_args + ctx.args)
            ctx = cmd.make_context(name, rest, parent=ctx, resilient_parsing=False)
    except click.exceptions.Exit:
        pass
    except click.UsageError as exc:
        raise AssertionError(f"{page}: '{line}' is not accepted: {exc}") from None


def test_the_pre_commit_hooks_run_the_validator():
    import subprocess
    import sys

    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"coprod-validate", "coprod-validate-draft"}
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.json"))
    for hook in hooks:
        assert hook["language"] == "python" and re.search(hook["files"], "data/a.xlsx")
        command = hook["entry"].split()
        assert command[0] == "coprod"
        run = [sys.executable, "-m", "coprod_standard", *command[1:]]
        good = subprocess.run(run + examples, capture_output=True, text=True, timeout=300)
        assert good.returncode == 0, good.stdout
        bad = subprocess.run(run + [str(DOCS / "examples" / "broken-workbook.xlsx")],
                             capture_output=True, text=True, timeout=300)
        assert bad.returncode == 1 and "cell O2" in bad.stdout


def test_the_scie_page_names_only_fields_and_checks_that_exist():
    """Every field and check the SCIE recommendations page names is in the standard."""
    from coprod_standard.checks import catalogue as checks_catalogue
    from coprod_standard.fields import fields
    from coprod_standard.scie import RECOMMENDATIONS, VERSION

    dotted = {f.dotted for f in fields(VERSION).values()}
    codes = {c.code for c in checks_catalogue()}
    assert [r.key for r in RECOMMENDATIONS] == [f"R{i}" for i in range(1, 9)] + [
        "E1", "E2", "E3"]
    for rec in RECOMMENDATIONS:
        assert rec.fields and set(rec.fields) <= dotted, (rec.key, set(rec.fields) - dotted)
        assert set(rec.checks) <= codes, (rec.key, set(rec.checks) - codes)
