"""The organisations' path, first steps and the end (issue 20, points 5 and 6): the README's
route from questionnaire answers to a published dataset, run exactly as written; `coprod
--version`; spreadsheet lock files; convert's verdict; and the permissions of what every
command writes."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coprod_standard.schemas import standard

from .conftest import ROOT

EXAMPLES = ROOT / "examples"
RESPONSES = EXAMPLES / "responses" / "club-wellbeing-responses.xlsx"


def run(*args, cwd: Path = ROOT, mask: int | None = None) -> subprocess.CompletedProcess:
    """The CLI in its own process, as a user runs it, under the umask MASK if given."""
    return subprocess.run([sys.executable, "-m", "coprod_standard", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300,
                          preexec_fn=(lambda: os.umask(mask)) if mask is not None else None)


def _block_after(text: str, heading: str, fence: str) -> list[str]:
    """The command lines of the first FENCE block after HEADING."""
    rest = text[text.index(heading):]
    block = re.search(rf"```{fence}\n(.*?)```", rest, flags=re.S).group(1)
    return [line.removeprefix("$ ") for line in block.splitlines() if line.strip()]


def _run_lines(lines: list[str], cwd: Path) -> list[subprocess.CompletedProcess]:
    results = []
    for line in lines:
        args = shlex.split(line)
        assert args[0] == "coprod", line
        results.append(run(*args[1:], cwd=cwd))
        assert "Traceback" not in results[-1].stderr
    return results


def _published(results, out: Path) -> dict:
    aggregate, check = results
    assert aggregate.returncode == 0, aggregate.stderr
    assert check.returncode == 0, check.stdout
    first = check.stdout.splitlines()[0]
    assert "warning" not in check.stdout.lower() and "NOT VALID" not in first, check.stdout
    return json.loads(out.read_text())


def test_the_readme_route_ends_valid_at_publish_level_with_no_warning(tmp_path):
    """The commands under the README's heading, run as written (on a copy of examples/),
    into a project that has no indicator for the instrument: aggregate makes it, with the
    licence, and says whose outcome the results are."""
    lines = _block_after((ROOT / "README.md").read_text(encoding="utf-8"),
                         "### From questionnaire answers to a published dataset", "bash")
    assert len(lines) == 2 and "--into" in lines[0] and "--level publish" in lines[1]
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    dataset = _published(_run_lines(lines, tmp_path), tmp_path / "published.json")
    assert "VALID published.json: no problems found." in run(
        "validate", "--level", "publish", "published.json", cwd=tmp_path).stdout
    outcome = next(o for o in dataset["projects"][0]["outcomes"] if o["id"] == "oc-life-sat")
    made = next(i for i in outcome["indicators"] if i["instrument"] == "swemwbs")
    assert made["scoreType"] == "swemwbs-metric" and made["higherIsBetter"] is True
    assert made["unit"] == "points (7 to 35)" and made["meaningfulChange"]["value"] == 3
    assert made["instrumentLicence"]["type"] == "registration"
    assert "University of Warwick" in made["instrumentLicence"]["licensor"]
    assert {r["population"] for r in made["reports"]} == {"service-users"}
    assert {r["timepoint"] for r in made["reports"]} == {"baseline", "interim"}
    # only the metric score: no second indicator for the raw total it is converted from
    assert not [i for o in dataset["projects"][0]["outcomes"] for i in o.get("indicators", [])
                if i["scoreType"] == "swemwbs-raw"]


def test_the_instruments_page_example_ends_with_no_warning(tmp_path):
    """The worked example (into an indicator that exists, broken down by role): every
    result keeps saying whose outcome it is, and the mixed whole group its make-up."""
    text = (ROOT / "docs" / "instruments.md").read_text(encoding="utf-8")
    lines = _block_after(text, "## Example", "console")
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    dataset = _published(_run_lines(lines, tmp_path), tmp_path / "club.json")
    reports = dataset["projects"][0]["outcomes"][0]["indicators"][0]["reports"]
    whole = [r for r in reports if "subgroup" not in r]
    assert {r["population"] for r in whole} == {"mixed"}
    for report in whole:
        assert {c["role"] for c in report["composition"]} == {"unpaid-carer",
                                                               "community-member"}
    carers = [r for r in reports if r.get("subgroup", {}).get("code") == "unpaid-carer"]
    assert carers and {r["population"] for r in carers} == {"unpaid-carers"}


def test_aggregate_asks_for_the_outcome_when_several_could_take_the_indicator(tmp_path):
    out = tmp_path / "o.json"
    result = run("aggregate", RESPONSES, "--into", EXAMPLES / "befriending-scheme.json",
                 "--project", "GB-CHC-9990701-friends-at-the-door", "--out", out)
    assert result.returncode == 1 and "--outcome" in result.stderr and not out.exists()
    assert "oc-lonely" in result.stderr and "Traceback" not in result.stderr
    result = run("aggregate", RESPONSES, "--into", EXAMPLES / "befriending-scheme.json",
                 "--project", "GB-CHC-9990701-friends-at-the-door", "--outcome", "nope",
                 "--out", out)
    assert result.returncode == 1 and "has no outcome 'nope'" in result.stderr
    # without --population nothing is invented: the result says how to give it
    result = run("aggregate", RESPONSES, "--into", EXAMPLES / "befriending-scheme.json",
                 "--project", "GB-CHC-9990701-friends-at-the-door", "--outcome",
                 "oc-life-sat", "--out", out)
    assert result.returncode == 0 and "do not say whose outcome" in result.stdout
    assert "--population" in result.stdout


def test_version_lists_the_standard_versions():
    result = run("--version")
    assert result.returncode == 0
    known = ", ".join(f"{v['version']} ({v['status']})" for v in standard()["versions"])
    assert result.stdout.strip().endswith(f"; standard {known}")
    assert "1.0 (supported), 1.1 (current), 1.2 (draft)" in result.stdout


def _lock(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"\x0bA. Person" + b"\x00" * 40)  # what Excel's owner file looks like
    return path


def test_lock_files_are_skipped_with_a_note(tmp_path):
    book = tmp_path / "projects.xlsx"
    assert run("convert", EXAMPLES / "minimal.json", book).returncode == 0
    excel = _lock(tmp_path, "~$projects.xlsx")
    office = _lock(tmp_path, ".~lock.projects.xlsx#")
    result = run("validate", book, excel, office)
    assert result.returncode == 0, result.stdout
    assert f"Skipped {excel}: a lock file Excel makes while projects.xlsx is open" \
        in result.stderr
    assert "a lock file LibreOffice makes while projects.xlsx is open" in result.stderr
    assert "COULD NOT READ" not in result.stdout

    alone = run("validate", excel)
    assert alone.returncode == 3 and "Traceback" not in alone.stderr
    text = " ".join(alone.stdout.split())
    assert "is not a workbook but a lock file, which Excel makes while projects.xlsx is " \
           "open" in text
    assert run("convert", excel, tmp_path / "x.json").returncode == 3

    folder = tmp_path / "published"
    folder.mkdir()
    shutil.copy(EXAMPLES / "minimal.json", folder)
    _lock(folder, "~$minimal.xlsx")
    combined = run("combine", folder, "--out", tmp_path / "s.duckdb")
    assert combined.returncode == 0, combined.stdout + combined.stderr
    assert "Combined 1 of 1 datasets" in combined.stdout
    assert "Skipped" in combined.stderr and "~$minimal.xlsx" in combined.stderr
    alone = run("combine", folder / "~$minimal.xlsx", "--out", tmp_path / "t.duckdb")
    assert alone.returncode == 3 and "Skipped" not in alone.stderr
    assert "is not a workbook but a lock file" in alone.stdout

    tables = tmp_path / "tables"
    assert run("convert", EXAMPLES / "minimal.json", tables).returncode == 0
    _lock(tables, "~$projects.csv")
    back = run("convert", tables, tmp_path / "back.json")
    assert back.returncode == 0, back.stdout
    assert json.loads((tmp_path / "back.json").read_text()) == json.loads(
        (EXAMPLES / "minimal.json").read_text())


def test_convert_says_whether_what_it_converted_is_valid(tmp_path):
    broken = ROOT / "docs" / "examples" / "broken-dataset.json"
    out = tmp_path / "broken.xlsx"
    result = run("convert", broken, out)
    assert result.returncode == 1 and out.is_file()  # written all the same
    assert "NOT VALID at the publish level: 4 errors" in result.stdout
    assert f"'coprod validate {broken}'" in result.stdout
    as_json = json.loads(run("convert", broken, tmp_path / "b.json", "--format",
                             "json").stdout)
    assert as_json["valid"] is False and as_json["errors"] == 4
    assert as_json["converted"] is True
    back = run("convert", out, tmp_path / "again.json")
    assert back.returncode == 1 and "NOT VALID" in back.stdout
    good = run("convert", EXAMPLES / "peer-support-network.json", tmp_path / "good.xlsx")
    assert good.returncode == 0 and "VALID at the publish level." in good.stdout
    draft = run("convert", EXAMPLES / "minimal.json", tmp_path / "m.json", "--level", "draft")
    assert draft.returncode == 0 and "at the draft level" in draft.stdout


@pytest.mark.parametrize("mask", [0o022, 0o002])
def test_every_command_writes_files_with_normal_permissions(tmp_path, mask):
    """0666 less the umask, as any program's new file (once 0600 from a temporary file)."""
    expected = 0o666 & ~mask
    outputs = {
        "template": (["template", tmp_path / "t.xlsx"], [tmp_path / "t.xlsx"]),
        "convert xlsx": (["convert", EXAMPLES / "minimal.json", tmp_path / "c.xlsx"],
                         [tmp_path / "c.xlsx"]),
        "convert json": (["convert", EXAMPLES / "minimal.json", tmp_path / "c.json"],
                         [tmp_path / "c.json"]),
        "convert csv": (["convert", EXAMPLES / "minimal.json", tmp_path / "csv"],
                        [tmp_path / "csv" / "projects.csv"]),
        "aggregate": (["aggregate", RESPONSES, "--into", EXAMPLES / "dementia-club.json",
                       "--project", "GB-CHC-9990201-running-the-club",
                       "--out", tmp_path / "a.json"], [tmp_path / "a.json"]),
        "score": (["score", RESPONSES, "--out", tmp_path / "s.csv"], [tmp_path / "s.csv"]),
    }
    for name, (args, files) in outputs.items():
        result = run(*args, mask=mask)
        assert result.returncode in (0, 1), (name, result.stderr)
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == expected, (name, oct(expected))
    folder = tmp_path / "csv"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask


def test_a_mixed_population_is_given_to_the_whole_group_with_its_make_up(tmp_path):
    """--population mixed: the whole group gets its make-up from the role breakdown and
    each role's result is not called mixed (it would lack a make-up of its own)."""
    out = tmp_path / "mixed.json"
    result = run("aggregate", RESPONSES, "--by", "role", "--into",
                 EXAMPLES / "dementia-club.json", "--project",
                 "GB-CHC-9990201-running-the-club", "--population", "mixed", "--out", out)
    assert result.returncode == 0, result.stderr
    check = run("validate", "--level", "publish", out)
    assert check.returncode == 0 and "warning" not in check.stdout.lower(), check.stdout
    reports = json.loads(out.read_text())["projects"][0]["outcomes"][0]["indicators"][0][
        "reports"]
    assert all(r["population"] != "mixed" for r in reports if "subgroup" in r)
    assert all(r["composition"] for r in reports if "subgroup" not in r)
