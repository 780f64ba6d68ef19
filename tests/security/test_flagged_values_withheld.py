"""A value once flagged as personal data is never repeated, anywhere (issue 16).

Values the privacy checks flag (an email address, a phone number, an NHS number that
passes the modulus 11 check, a full postcode, a date of birth, a "Mrs Surname" name) are
planted in every kind of field: a project's identifier, an organisation identifier, a
code, a date, a number given as text, free text, a field's name (a column heading in a
table), a participant group's identifier and a reference to it, and cells beside another
issue in a spreadsheet. Every channel is then searched for each of them, case aside and
white space aside, and for their distinctive pieces where a channel cuts text: the text and
JSON reports of ``coprod validate`` (real processes), JSON read whole, streamed and in two
processes, the same data as an Excel workbook and as CSV tables (made with ``coprod
convert``) with the cells shown around their issues, the web page, the API and the
downloads of a real local server, and every column of every table of the DuckDB store
that ``coprod combine`` writes. The reports must still say where each one is and what to
do.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from openpyxl import load_workbook

from coprod_standard.checks.personal_patterns import nhs_number_valid
from coprod_standard.limits import Limits
from coprod_standard.reporters import render
from coprod_standard.validate import validate
from coprod_standard.withhold import PHRASE
from tests.conftest import ROOT

KINDS = {"email": "email-address", "phone": "phone-number", "nhs": "nhs-number",
         "postcode": "uk-postcode", "birth": "date-of-birth", "name": "possible-person-name"}
SURNAMES = ["Quenby", "Farrowby", "Ashdown", "Pellinore", "Hartigan", "Munroe", "Castellan",
            "Whitlock", "Brereton", "Tolliver", "Ingleby", "Ostrander"]
# Each place: its pointer inside the project, and (sheet, heading) in a table.
PLACES = {
    "project-id": ("/id", ("Projects", "Project identifier")),
    "organisation-id": ("/leadOrganisation/id",
                        ("Projects", "Lead organisation: Organisation identifier")),
    "code": ("/status", ("Projects", "Status")),
    "date": ("/startDate", ("Projects", "Start date")),
    "number": ("/participantGroups/0/count", ("Participant groups", "Number of people")),
    "free-text": ("/description", ("Projects", "Description")),
    "key": (None, ("Projects", None)),  # a field's name: a column heading in a table
    "group-id": ("/participantGroups/0/id", ("Participant groups", "Group identifier")),
    "reference": ("/activities/0/participantGroups/1",
                  ("Involvement activities", "Participant groups")),
}


def _nhs_number(seed: int) -> str:
    """A ten-digit number that passes the NHS modulus 11 check."""
    while True:
        for last in "0123456789":
            if nhs_number_valid(f"{seed:09d}{last}"):
                return f"{seed:09d}{last}"
        seed += 1


def _plant(kind: str, n: int, spaced: bool) -> tuple[str, list[str]]:
    """The value planted at place N, in a form a field of that kind takes (SPACED: free
    text and codes; otherwise an identifier's form, which messages quote), and the pieces
    of it that must not show either."""
    if kind == "email":
        local = f"plant{n:02d}.{kind}holder"
        return f"{local}@example.org", [local]
    if kind == "phone":
        return f"07700 900{100 + n}", [f"07700900{100 + n}", f"900{100 + n}"]
    if kind == "nhs":
        digits = _nhs_number(401_234_560 + 7919 * n)
        return (f"{digits[:3]} {digits[3:6]} {digits[6:]}" if spaced else digits), \
            [digits, digits[3:]]
    if kind == "postcode":
        outward = f"LS{n + 1}"
        return (f"{outward} 4DY" if spaced else f"{outward}4DY"), [f"{outward}4DY"]
    if kind == "birth":
        if spaced:
            return f"born on {n + 1} March 1950", [f"{n + 1} March 1950"]
        return f"dob-{n + 1:02d}-03-1950", [f"{n + 1:02d}-03-1950"]
    surname = SURNAMES[n]
    return f"Mrs {surname}", [surname]


def _planted() -> tuple[dict, dict[str, tuple[str, list[str]]]]:
    """A dataset with one project per kind of personal data, each holding values of its
    kind in every place; and every planted value with its pieces, by a name."""
    base = json.loads((ROOT / "examples" / "minimal.json").read_text(encoding="utf-8"))
    template = base["projects"][0]
    plants: dict[str, tuple[str, list[str]]] = {}
    projects = []
    for k, kind in enumerate(KINDS):
        values = {}
        for n, place in enumerate(PLACES):
            spaced = place in ("code", "date", "number", "free-text", "key")
            values[place] = _plant(kind, n, spaced)
            plants[f"{kind} in {place}"] = values[place]
        project = copy.deepcopy(template)
        project["id"] = values["project-id"][0]
        project["leadOrganisation"]["id"] = values["organisation-id"][0]
        project["status"] = values["code"][0]
        project["startDate"] = values["date"][0]
        project["description"] = f"Please ask {values['free-text'][0]} about the group."
        project["url"] = "not a web address"  # an issue beside the description's cell
        project[values["key"][0]] = "x"
        group = project["participantGroups"][0]
        group["id"], group["count"] = values["group-id"][0], values["number"][0]
        project["activities"] = [{
            "id": f"activity-{k}", "title": "Workshop", "stage": "deliver",
            "participationLevel": "consultation", "date": "2025-10-01",
            "participantGroups": [values["group-id"][0], values["reference"][0]]}]
        projects.append(project)
    # An NHS number and a mobile number typed into number cells (the 0 dropped, as a
    # spreadsheet does): whole numbers, not text
    typed = {"nhs": int(_nhs_number(712_345_670)), "phone": 7700900177}
    for k, kind in enumerate(KINDS):
        if kind in typed:
            group = copy.deepcopy(projects[k]["participantGroups"][0])
            group["id"], group["count"] = f"typed-{kind}", typed[kind]
            projects[k]["participantGroups"].append(group)
            plants[f"{kind} typed as a number"] = (str(typed[kind]), [str(typed[kind])])
    base["projects"] = projects
    base["title"] = "Notes from Mrs Zebedee"  # dataset-level free text: the store keeps it
    base["publisher"]["name"] = "Example Voices, call 07700 900199"
    plants["the dataset's title"] = ("Mrs Zebedee", ["Zebedee"])
    plants["the publisher's name"] = ("07700 900199", ["07700900199", "900199"])
    return base, plants


def _valid_with_a_name() -> tuple[dict, dict[str, tuple[str, list[str]]]]:
    """A valid dataset whose only privacy finding is a warning: it reaches the store's
    analysis tables, and the web would offer copies of it."""
    data = json.loads((ROOT / "examples" / "minimal.json").read_text(encoding="utf-8"))
    data["projects"][0]["description"] = "A monthly group that Dr Yardley-Kemp started."
    return data, {"a name in a valid dataset": ("Dr Yardley-Kemp", ["Yardley"])}


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", unescape(text)).lower()


def _leaks(channels: dict[str, str], plants: dict[str, tuple[str, list[str]]]) -> list[str]:
    found = []
    for channel, text in channels.items():
        squashed = _squashed(text)
        for name, (value, pieces) in plants.items():
            for piece in [value, *pieces]:
                if _squashed(piece) in squashed:
                    found.append(f"{name} ({piece!r}) in {channel}")
    return found


def _coprod(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coprod_standard", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[dict[str, Path], dict]:
    """The planted dataset as JSON, as a workbook, as CSV tables and as a zip of CSV files
    (each table with an extra column whose heading is a planted value), and the valid one."""
    folder = tmp_path_factory.mktemp("planted")
    data, plants = _planted()
    valid, named = _valid_with_a_name()
    out = {"json": folder / "planted.json", "valid": folder / "named.json"}
    out["json"].write_text(json.dumps(data, indent=1), encoding="utf-8")
    out["valid"].write_text(json.dumps(valid), encoding="utf-8")
    heading = "Contact jo.heading@example.org"
    plants["a column heading"] = (heading, ["jo.heading"])
    for name, target in (("xlsx", "planted.xlsx"), ("csv", "planted-csv"),
                         ("zip", "planted-csv.zip")):
        fmt = {"xlsx": "xlsx", "csv": "csv", "zip": "csv-zip"}[name]
        done = _coprod("convert", out["json"], folder / target, "--to", fmt)
        assert done.returncode in (0, 1), done.stdout + done.stderr
        out[name] = folder / target
    workbook = load_workbook(out["xlsx"])
    sheet = workbook["Projects"]
    sheet.cell(1, sheet.max_column + 1, heading)
    workbook.save(out["xlsx"])
    projects = out["csv"] / "projects.csv"
    lines = projects.read_text(encoding="utf-8").splitlines()
    projects.write_text("\n".join([lines[0] + f",{heading}"] + [line + ",x"
                                                                  for line in lines[1:]]) + "\n",
                        encoding="utf-8")
    return out, {**plants, **named}


def _reports(path: Path) -> dict[str, str]:
    """The text and JSON reports of one file: from ``coprod validate`` in its own process,
    and from the library streamed, one process and two."""
    out = {}
    for fmt in ("text", "json"):
        done = _coprod("validate", "--format", fmt, "--max-examples", "1000", path)
        assert done.returncode == 1, done.stdout + done.stderr
        out[f"coprod validate --format {fmt}"] = done.stdout + done.stderr
    for jobs in (1, 2):
        report = validate(path, stream=True, jobs=jobs, limits=Limits(stream_from=1))
        for fmt in ("text", "json"):
            out[f"streamed, {jobs} process(es), {fmt}"] = render(fmt, [report],
                                                                max_examples=1000)
    return out


@pytest.mark.parametrize("kind", ["json", "xlsx", "csv"])
def test_no_report_repeats_a_flagged_value(files, kind):
    paths, plants = files
    channels = _reports(paths[kind])
    assert _leaks(channels, plants) == []
    report = json.loads(channels["coprod validate --format json"])["files"][0]
    issues = report["issues"]
    for k, code in enumerate(KINDS.values()):  # each is still said, where it is
        for place, (pointer, (sheet, heading)) in PLACES.items():
            if kind == "json":
                where = f"/projects/{k}" + (pointer or f"/{PHRASE}")
                assert any(i["code"] == code and i["path"] == where and i["fix"]
                           for i in issues), (code, place)
            elif heading is not None:
                if kind == "csv":
                    sheet = sheet.lower().replace(" ", "-") + ".csv"
                assert any(i["code"] == code and i["location"]["sheet"] == sheet and
                           i["location"]["column_title"] == heading and
                           i["location"]["row"] >= 2 and i["fix"]
                           for i in issues if i.get("location")), (code, place)
    typed = [i for i in issues if i["code"] == "personal-number"]  # numbers typed in
    if kind == "json":
        assert {i["path"] for i in typed} == {f"/projects/{k}/participantGroups/1/count"
                                              for k in (1, 2)}
    else:
        assert len(typed) == 2 and all(i["location"]["column_title"] == "Number of people"
                                       for i in typed)
    labels = {i.get("record") for i in issues} | {c["record"] for c in report["scorecard"]}
    assert {f"project {k + 1}" for k in range(len(KINDS))} <= labels
    grids = [i["context"] for i in issues if i.get("context")]
    if kind != "json":  # the cells beside other issues are there, with the values withheld
        assert any(PHRASE in row["cells"] for grid in grids for row in grid["rows"])
        heading = next(i for i in issues if i["code"] == "unknown-column")
        assert heading["location"]["column_letter"] and PHRASE in heading["message"]


def test_the_schema_level_repeats_nothing_either(files):
    paths, plants = files
    done = _coprod("validate", "--level", "schema", "--format", "json", "--max-examples",
                   "1000", paths["json"])
    assert done.returncode == 1
    assert _leaks({"--level schema": done.stdout + done.stderr}, plants) == []
    assert "invalid-project-id" in done.stdout


def test_the_web_page_api_and_downloads_repeat_nothing(files, tmp_path):
    from coprod_standard.web.config import WebConfig
    from tests.live_server import multipart, request, serve

    paths, plants = files
    channels = {}
    with serve(WebConfig(max_upload_bytes=4 * 1024 * 1024, work_dir=tmp_path)) as base:
        for kind in ("json", "xlsx", "zip", "valid"):
            upload = paths[kind].read_bytes()
            body, headers = multipart({}, (paths[kind].name, upload))
            page = request(f"{base}/check", body, headers)
            api = request(f"{base}/api/validate?name={paths[kind].name}", upload,
                          {"Content-Type": "application/octet-stream"})
            assert page.status == 200 and api.status == 200, kind
            downloads = re.findall(r'href="data:[^;]+;base64,([^"]+)" download="([^"]+)"',
                                   page.text)
            # only the report: a converted copy would give the flagged values back
            assert [name for _, name in downloads] == [f"{paths[kind].stem}-report.json"]
            assert "Converted copies of your data are not offered" in page.text
            channels[f"web page for {kind}"] = page.text
            channels[f"API for {kind}"] = api.text
            for data, name in downloads:
                channels[f"download {name}"] = base64.b64decode(data).decode("utf-8")
    assert _leaks(channels, plants) == []
    assert "email-address" in channels["API for json"]
    assert "possible-person-name" in channels["API for valid"]


def test_the_combined_store_holds_no_flagged_value(files, tmp_path):
    import duckdb

    paths, plants = files
    store, exported = tmp_path / "study.duckdb", tmp_path / "csv"
    done = _coprod("combine", paths["json"], paths["xlsx"], paths["csv"], paths["valid"],
                   "--out", store, "--csv", exported, "--jobs", "1")
    assert done.returncode == 1, done.stdout + done.stderr  # the planted ones are kept out
    channels = {"coprod combine": done.stdout + done.stderr}
    with duckdb.connect(str(store), read_only=True) as con:
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()]
        for table in tables:
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
            channels[f"table {table}"] = "\n".join(repr(row) for row in rows)
        kept = con.execute("SELECT description FROM projects").fetchall()
        issues = con.execute("SELECT code, path, location FROM issues").fetchall()
    for csv_file in exported.glob("*.csv"):
        channels[f"export {csv_file.name}"] = csv_file.read_text(encoding="utf-8")
    assert _leaks(channels, plants) == []
    assert kept == [(f"A monthly group that {PHRASE} started.",)]  # withheld, not dropped
    assert ("email-address", "/projects/0/id", None) in issues
    assert any(code == "phone-number" and location and "Participant groups" in location
               for code, _, location in issues)


def test_flagged_values_never_leave_the_process_and_never_blank_plain_words():
    import pickle

    from coprod_standard.withhold import Withheld

    report = validate(_planted()[0])
    assert report.holds_personal_data
    kept = pickle.loads(pickle.dumps(report))  # as the web's check process hands it back
    assert kept.holds_personal_data and not kept.withheld.exact and not kept.withheld.whole
    assert b"example.org" not in pickle.dumps(report.withheld)
    withheld = Withheld()
    withheld.add(["none"], whole=True)  # the value of a field such as "name"
    assert withheld.text("'none' is given; none of the forms fit") == \
        f"'{PHRASE}' is given; none of the forms fit"
