"""The data package and coprod agree on the cells a spreadsheet writes: a package written by
coprod, re-saved the way spreadsheets save CSV (by real LibreOffice, and with each
convention written directly), gets the same verdict from `frictionless validate` and
`coprod validate`. The few forms coprod reads but a table schema cannot describe (a whole
number written 85.0, a UK date, a date and time without its offset) are listed in
docs/spreadsheets.md; `coprod convert` writes them back in the package's own forms."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coprod_standard.tabular.cells import BOOLEAN_TEXT
from coprod_standard.writers import write
from coprod_standard.writers.csv_out import descriptor
from tests.conftest import ROOT, run_coprod

EXAMPLE = ROOT / "examples" / "peer-support-network.json"


def _package(folder: Path, example: Path = EXAMPLE) -> Path:
    data = json.loads(example.read_text(encoding="utf-8"))
    write(data, data["version"], "datapackage", folder)
    return folder / "datapackage.json"


def frictionless_valid(package: Path) -> bool:
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", str(package),
                             "--json"], capture_output=True, text=True, timeout=600)
    return json.loads(result.stdout)["valid"]


def coprod_valid(package: Path) -> bool:
    result = run_coprod("validate", package)
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stdout
    return result.returncode == 0


def _set_cell(path: Path, heading: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index(heading)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def test_the_package_names_exactly_the_yes_no_spellings_coprod_reads():
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    fields = [f for r in descriptor(data, data["version"])["resources"]
              for f in r["schema"]["fields"] if f["type"] == "boolean"]
    assert fields
    for field in fields:
        assert set(field["trueValues"]) | set(field["falseValues"]) == set(BOOLEAN_TEXT)
        assert {"TRUE", "True", "true"} == set(field["trueValues"])


AGREED = [  # file, heading, what a spreadsheet (or a person) wrote, valid for both?
    ("participant-groups.csv", "Lived experience", "TRUE", True),
    ("participant-groups.csv", "Lived experience", "True", True),
    ("indicators.csv", "Higher is better", "FALSE", True),
    ("participant-groups.csv", "Lived experience", "yes", False),
    ("participant-groups.csv", "Lived experience", "1", False),
    ("participant-groups.csv", "Lived experience", "tRuE", False),
    ("participant-groups.csv", "Lived experience", " TRUE", False),
    ("participant-groups.csv", "Number of people", " 85", True),
    ("results.csv", "Mean", "6.40", True),
    ("costs.csv", "Amount (£)", "48,200", False),
    ("costs.csv", "Amount (£)", "£48200", False),
    ("dataset.csv", "Date published", "2026-02-30", False),
    ("dataset.csv", "Date published", "yesterday", False),
    ("dataset.csv", "Last changed", "2026-06-22T10:30:00+01:00", True),
]


@pytest.mark.parametrize("name,heading,value,valid", AGREED,
                         ids=[f"{h}={v!r}" for _, h, v, _ in AGREED])
def test_coprod_and_frictionless_give_the_same_verdict(tmp_path, name, heading, value, valid):
    package = _package(tmp_path / "package")
    _set_cell(package.parent / name, heading, value)
    assert (coprod_valid(package), frictionless_valid(package)) == (valid, valid)


ONLY_COPROD = [  # forms coprod reads (with advice) that a table schema cannot describe
    ("participant-groups.csv", "Number of people", "85.0"),
    ("dataset.csv", "Date published", "15/06/2026"),
    ("dataset.csv", "Last changed", "2026-06-22 10:30"),
]


@pytest.mark.parametrize("name,heading,value", ONLY_COPROD,
                         ids=[f"{h}={v!r}" for _, h, v in ONLY_COPROD])
def test_what_only_coprod_reads_is_written_back_in_the_package_form(tmp_path, name, heading,
                                                                    value):
    package = _package(tmp_path / "package")
    _set_cell(package.parent / name, heading, value)
    assert (coprod_valid(package), frictionless_valid(package)) == (True, False)
    result = run_coprod("convert", package, tmp_path / "again" / "datapackage.json")
    assert result.returncode == 0, result.stdout
    again = tmp_path / "again" / "datapackage.json"
    assert (coprod_valid(again), frictionless_valid(again)) == (True, True)


RESAVED = [("dementia-club.json", True),  # version 1.2
           ("peer-support-network.json", False)]  # 1.0, which LibreOffice writes as 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("example,valid", RESAVED)
def test_a_package_resaved_by_libreoffice_gets_the_same_verdict_from_both(tmp_path, example,
                                                                          valid):
    package = _package(tmp_path / "package", ROOT / "examples" / example)
    out = tmp_path / "resaved"
    tables = sorted(package.parent.glob("*.csv"))
    # UTF-8, comma, double quotes, headings in row 1, UK English, detect special numbers
    # (so true becomes a real yes/no cell, written back as TRUE)
    profile = f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}"
    subprocess.run(["soffice", "--headless", profile, "--infilter=CSV:44,34,76,1,,2057,false,true",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir", str(out), *map(str, tables)],
                   capture_output=True, timeout=300, check=True)
    for table in tables:
        shutil.copyfile(out / table.name, table)
    assert "TRUE" in (package.parent / "participant-groups.csv").read_text(encoding="utf-8")
    assert (coprod_valid(package), frictionless_valid(package)) == (valid, valid)
