"""The web page and the formats people have (issue 20): the .ods templates beside the
.xlsx ones; upload hints that name every format the page takes, each really read; and a
file that is not questionnaire responses (a dataset, an aggregate, another table) given to
the questionnaires page or to 'coprod score' and 'coprod aggregate' is told what it is and
where to take it, once, instead of "no respondent reference" on every row."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile

import openpyxl
import pytest

from coprod_standard.web.config import WebConfig
from coprod_standard.writers.ods_out import ods_bytes, workbook_ods
from coprod_standard.writers.xlsx_out import workbook_bytes
from tests.conftest import ROOT, run_coprod
from tests.live_server import multipart, request, serve
from tests.test_web_organisations import _text

MINIMAL = ROOT / "examples" / "minimal.json"
RESPONSES = ROOT / "examples" / "responses" / "club-wellbeing-responses.xlsx"
ODS = b"application/vnd.oasis.opendocument.spreadsheet"
CHECKED = (".xlsx", ".xls", ".ods", ".json", ".jsonl", ".csv", ".zip")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("formats-work")
    with serve(WebConfig(max_upload_bytes=4 * 1024 * 1024, work_dir=work)) as base:
        yield base


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The minimal example in every form the checking page takes, made by the toolkit."""
    folder = tmp_path_factory.mktemp("formats")
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    made = {".json": MINIMAL.read_bytes(), ".xlsx": workbook_bytes(data, data["version"]),
            ".ods": workbook_ods(data, data["version"])}
    for to in ("csv-zip", "datapackage-zip"):
        target = folder / f"{to}.zip"
        done = run_coprod("convert", MINIMAL, target, "--to", to)
        assert target.is_file(), done.stderr
        made[to] = target.read_bytes()
    return folder, made


def _hint(html: str) -> tuple[str, str]:
    hint = re.search(r'<p class="hint" id="file-hint">(.*?)</p>', html, re.S).group(1)
    accept = re.search(r'accept="([^"]+)"', html).group(1)
    return " ".join(hint.split()), accept


def test_the_upload_hint_names_every_format_the_check_reads(site):
    from coprod_standard.readers.jsonl_reader import SUFFIXES

    hint, accept = _hint(request(f"{site}/").text)
    for suffix in CHECKED:
        assert suffix in hint and suffix in accept.split(","), suffix
    assert ".jsonl" in SUFFIXES and "data package" in hint


@pytest.mark.parametrize("kind", [".json", ".xlsx", ".ods", "csv-zip", "datapackage-zip"])
def test_every_format_in_the_hint_is_checked(site, files, kind):
    name = f"minimal{kind if kind.startswith('.') else '.zip'}"
    body, headers = multipart({"level": "publish"}, (name, files[1][kind]))
    page = request(f"{site}/check", body, headers)
    assert page.status == 200
    assert re.search(r"verdict verdict-(\w+)", page.text).group(1) == "valid", kind


def test_the_questionnaires_hint_names_what_responses_are_read_from(site):
    hint, accept = _hint(request(f"{site}/questionnaires").text)
    for suffix in (".xlsx", ".xls", ".ods", ".csv", ".json"):
        assert suffix in hint and suffix in accept.split(","), suffix
    assert 'href="/template/responses.ods"' in request(f"{site}/questionnaires").text


def test_the_ods_templates_are_offered_and_are_real_ods(site):
    from coprod_standard.schemas import latest_version, version_names

    listing = request(f"{site}/template").text
    home = request(f"{site}/").text
    latest = latest_version()
    assert f'href="/template/dataset-{latest}.ods"' in home
    assert f'href="/template/dataset-{latest}.xlsx"' in home
    for name in [*(f"dataset-{v}.ods" for v in version_names()), "responses.ods"]:
        assert f'href="/template/{name}"' in listing
    for name in (f"dataset-{latest}.ods", "responses.ods"):
        answer = request(f"{site}/template/{name}")
        assert answer.status == 200 and answer.headers["content-type"] == ODS.decode()
        assert f'filename="{name}"' in answer.headers["content-disposition"]
        with zipfile.ZipFile(io.BytesIO(answer.body)) as archive:
            assert archive.read("mimetype") == ODS
    template = request(f"{site}/template/dataset-{latest}.ods").body
    assert template == workbook_ods(None, latest)  # the toolkit's own, not a second copy


def test_responses_in_ods_are_scored_like_the_xlsx(site):
    ods = ods_bytes(RESPONSES.read_bytes())
    pages = {}
    for name, data in (("r.xlsx", RESPONSES.read_bytes()), ("r.ods", ods)):
        body, headers = multipart({"disclosure": "nhs-digital"}, (name, data))
        pages[name] = _text(request(f"{site}/questionnaires/aggregate", body, headers).text)
    assert "Added up" in pages["r.ods"]
    counts = [re.search(r"\d+ responses? read: \d+ scored", p).group(0) for p in
              pages.values()]
    assert counts[0] == counts[1]


def _dataset_workbook_from_the_template() -> bytes:
    return workbook_bytes(json.loads(MINIMAL.read_text(encoding="utf-8")))


def _aggregate_file() -> bytes:
    done = run_coprod("aggregate", ROOT / "examples" / "responses" /
                      "club-wellbeing-responses.csv")
    assert done.returncode == 0, done.stderr
    return done.stdout.encode()


NOT_RESPONSES = {  # name: (what the file is said to be, where it is sent)
    "dataset.json": ("is a co-production dataset", 'href="/"'),
    "dataset.xlsx": ("is a co-production dataset", 'href="/"'),
    "dataset.ods": ("is a co-production dataset", 'href="/"'),
    "package.zip": ("is a co-production dataset", 'href="/"'),
    "aggregate.json": ("is figures already scored and added up", "dataset's outcomes"),
    "projects.csv": ("is a table with none of the columns of responses", "right file"),
}


def _not_responses(name: str, files) -> bytes:
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    return {"dataset.json": lambda: MINIMAL.read_bytes(),
            "dataset.xlsx": _dataset_workbook_from_the_template,
            "dataset.ods": lambda: workbook_ods(data),
            "package.zip": lambda: files[1]["datapackage-zip"],
            "aggregate.json": _aggregate_file,
            "projects.csv": lambda: zipfile.ZipFile(io.BytesIO(files[1]["csv-zip"])).read(
                "projects.csv")}[name]()


@pytest.mark.parametrize("name", sorted(NOT_RESPONSES))
def test_a_file_that_is_not_responses_is_named_once_on_the_page(site, files, name):
    said, where = NOT_RESPONSES[name]
    body, headers = multipart({"disclosure": "nhs-digital"}, (name, _not_responses(name,
                                                                                   files)))
    answer = request(f"{site}/questionnaires/aggregate", body, headers)
    text = _text(answer.text)
    assert answer.status == 200 and "Not questionnaire responses" in text
    assert f"{name} {said}" in text and text.count("nothing was scored") == 2
    assert where in answer.text or where in text
    assert 'href="/template/responses.xlsx"' in answer.text
    assert "respondent reference" not in text.lower()
    assert "coprod " not in text  # links, not commands


@pytest.mark.parametrize("command", ["score", "aggregate"])
@pytest.mark.parametrize("name", sorted(NOT_RESPONSES))
def test_the_command_line_names_it_once_and_exits_3(files, tmp_path, command, name):
    path = tmp_path / name
    path.write_bytes(_not_responses(name, files))
    done = run_coprod(command, path)
    said = NOT_RESPONSES[name][0]
    assert done.returncode == 3, done.stderr
    assert f"{name} {said}" in done.stderr and done.stderr.count("Error:") == 1
    assert "How to fix:" in done.stderr and "Respondent, Instrument, Timepoint" in done.stderr
    assert "respondent reference" not in done.stderr.lower()
    assert "Traceback" not in done.stderr
    if command == "score":
        assert done.stdout == ""  # refused before the scores' heading row


def test_a_dataset_workbook_saved_by_libreoffice_as_xls_is_named_too(tmp_path):
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice is not installed")
    from tests.test_libreoffice import saved_by_libreoffice

    source = tmp_path / "dataset.xlsx"
    source.write_bytes(_dataset_workbook_from_the_template())
    xls = saved_by_libreoffice([source], "xls", tmp_path)["dataset.xlsx"]
    done = run_coprod("aggregate", xls)
    assert done.returncode == 3 and "is a co-production dataset" in done.stderr


def test_responses_with_the_columns_still_get_row_messages(tmp_path):
    book = openpyxl.load_workbook(RESPONSES)
    sheet = book[[n for n in book.sheetnames if n.lower() != "read me"][0]]
    sheet.cell(2, 1).value = None  # one row without its respondent reference
    path = tmp_path / "one-missing.xlsx"
    book.save(path)
    done = run_coprod("aggregate", path)
    assert done.returncode in (0, 1) and "has no respondent reference" in done.stderr
