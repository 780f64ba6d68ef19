"""The web validator for organisations without programmers (issue 20, point 7), over real
HTTP (uvicorn on a local port, urllib as the client): the verdict's words agree with the
status, an unreadable file is only told why, advice is links not commands, sizes are in
KB or MB, and the questionnaires page scores and aggregates under the same disclosure
control as 'coprod aggregate', keeps nothing and survives hostile uploads."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from datetime import timedelta
from html import unescape

import pytest
from openpyxl import Workbook

from coprod_standard.issues import catalogue
from coprod_standard.web.advice import DOCS, for_browser, mentions_command
from coprod_standard.web.config import WebConfig
from tests.conftest import ROOT
from tests.live_server import multipart, request, serve

BROKEN_WORKBOOK = ROOT / "docs" / "examples" / "broken-workbook.xlsx"
MINIMAL = ROOT / "examples" / "minimal.json"  # valid, with warnings only
RESPONSES = ROOT / "examples" / "responses" / "club-wellbeing-responses.csv"
RESPONSES_XLSX = RESPONSES.with_suffix(".xlsx")


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("organisations-work")


@pytest.fixture(scope="module")
def kept(tmp_path_factory):
    return tmp_path_factory.mktemp("organisations-kept")


@pytest.fixture(scope="module")
def site(work, kept):
    """A server that keeps validation results, so that we see questionnaires are not."""
    config = WebConfig(max_upload_bytes=2 * 1024 * 1024, work_dir=work,
                       keep_for=timedelta(hours=1), results_dir=kept)
    with serve(config) as base:
        yield base


def _text(html: str) -> str:
    main = html.split('<main', 1)[-1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def _check(base, name, data, **fields):
    body, headers = multipart({"level": "publish", **fields}, (name, data))
    return request(f"{base}/check", body, headers)


def _aggregate(base, name, data, **fields):
    body, headers = multipart(fields, (name, data))
    return request(f"{base}/questionnaires/aggregate", body, headers)


def _download(html: str) -> tuple[str, bytes]:
    found = re.findall(r'href="data:application/json;base64,([^"]+)" download="([^"]+)"', html)
    assert len(found) == 1, "the aggregate is the only download"
    return found[0][1], base64.b64decode(found[0][0])


# The verdict

def test_warnings_only_is_valid_and_publishable_and_says_so_everywhere(site):
    text = _text(_check(site, "minimal.json", MINIMAL.read_bytes()).text)
    assert "Valid, with warnings" in text
    assert "minimal.json is valid: it meets the standard, so it can be published." in text
    assert "Warnings do not stop it being published, but look at each one" in text
    assert "Warnings: do not stop publishing, but look at each one" in text  # the heading
    assert "Your file can be published." in text and "you should look at" in text
    # nothing says the warnings must be fixed first, or calls the file not ready
    for contradiction in ("must be fixed first", "should be fixed", "not ready to publish",
                          "to fix before it can be published", "should fix"):
        assert contradiction not in text


def test_errors_block_and_warnings_are_not_counted_as_blocking(site):
    text = _text(_check(site, "broken.xlsx", BROKEN_WORKBOOK.read_bytes()).text)
    assert "Not valid yet" in text
    assert "broken.xlsx does not meet the standard yet: 3 errors to fix before it can be " \
           "published." in text
    assert "Your file is not ready to publish yet." in text


def test_a_draft_is_not_called_ready_to_publish(site):
    body, headers = multipart({"level": "draft"}, ("minimal.json", MINIMAL.read_bytes()))
    text = _text(request(f"{site}/check", body, headers).text)
    assert "Valid as a draft" in text and "Check it at the “ready to publish” level" in text
    assert "ready to publish. " not in text and "can be published" not in text


def test_an_unreadable_file_is_only_told_why(site):
    text = _text(_check(site, "notes.json", b"{this is not json").text)
    assert "Could not read" in text and "We could not read notes.json" in text
    assert "Why we could not read it" in text and "How to fix" in text
    for principle in ("Equality", "Diversity", "Accessibility", "Reciprocity",
                      "principles", "of 0 projects"):
        assert principle not in text


# Advice fit for a browser

def test_every_command_in_the_catalogue_becomes_a_link():
    for kind in catalogue():
        for words in (kind.fix, kind.message, kind.description):
            shown = str(for_browser(words))
            assert not mentions_command(shown), (kind.code, shown)
    shown = str(for_browser("Start from the template ('coprod template'), which has every "
                            "sheet. 'coprod aggregate' does this for you."))
    assert '(<a href="/template">the template from the Templates page</a>)' in shown
    assert '<a href="/questionnaires">The questionnaires page</a> does this' in shown
    assert str(for_browser("<b>'coprod upgrade'</b>")).startswith("&lt;b&gt;<a href="
                                                                  f'"{DOCS}versioning/">')


def test_a_workbook_without_the_standards_sheets_gets_a_link_to_the_template(site):
    book = Workbook()
    book.active.title = "Budget"
    book.active.append(["Item", "Cost"])
    stream = io.BytesIO()
    book.save(stream)
    answer = _check(site, "budget.xlsx", stream.getvalue())
    assert "No sheet in budget.xlsx is one of the standard" in _text(answer.text)
    assert '<a href="/template">the template from the Templates page</a>' in answer.text
    assert not mentions_command(answer.text.split("<main", 1)[1])
    template = request(f"{site}/template/dataset-1.0.xlsx")
    assert template.status == 200 and template.body.startswith(b"PK")


def test_sizes_are_in_kilobytes_or_megabytes(site):
    html = _check(site, "broken.xlsx", BROKEN_WORKBOOK.read_bytes()).text
    sizes = re.findall(r'download="[^"]+">[^<]+</a> <span class="small">\(([^)]+)\)', html)
    assert len(sizes) == 4
    for size in sizes:
        assert re.search(r", \d[\d,]*(\.\d)? (KB|MB)$", size), size
    assert "bytes" not in _text(html)


def test_the_results_put_the_problems_before_the_rest(site):
    html = _check(site, "broken.xlsx", BROKEN_WORKBOOK.read_bytes()).text
    order = [html.index(mark) for mark in ('id="verdict"', 'id="problems"', 'id="easy-read"',
                                           'id="principles"', 'id="downloads"')]
    assert order == sorted(order)
    assert html.count("<details>") == 3  # each kind's cells, folded


# The questionnaires page

def test_the_questionnaires_page_offers_the_policies_and_keeps_nothing(site):
    text = _text(request(f"{site}/questionnaires").text)
    assert "Your file is not kept." in text
    for policy in ("nhs-digital", "threshold-10"):
        assert policy in text
    assert "national" not in text.lower().replace("whole nation's", "")


@pytest.mark.parametrize("policy", ["nhs-digital", "threshold-10"])
def test_the_aggregate_is_the_command_lines_under_the_same_policy(site, work, kept, policy,
                                                                 tmp_path):
    before = set(kept.iterdir())
    answer = _aggregate(site, RESPONSES.name, RESPONSES.read_bytes(), disclosure=policy,
                        by="role", applied_by="Riverside Carers' Club")
    assert answer.status == 200
    name, data = _download(answer.text)
    assert name == "club-wellbeing-responses-aggregate.json"
    ours = json.loads(data)
    assert ours["disclosureControl"]["policy"] == policy
    assert ours["disclosureControl"]["appliedBy"] == "Riverside Carers' Club"
    out = tmp_path / "cli.json"
    subprocess.run([sys.executable, "-m", "coprod_standard", "aggregate", str(RESPONSES),
                    "--disclosure", policy, "--by", "role", "--out", str(out)],
                   check=True, capture_output=True)
    assert ours["indicators"] == json.loads(out.read_text())["indicators"]
    text = _text(answer.text)
    assert f"Small numbers protected under {policy}" in text
    assert "114 responses read: 111 scored, 3 left out" in text
    assert "row 14" in text  # the file's own rows, named as in the CLI
    assert list(work.iterdir()) == [] and set(kept.iterdir()) == before  # nothing kept


def test_individual_scores_are_never_offered(site):
    answer = _aggregate(site, RESPONSES_XLSX.name, RESPONSES_XLSX.read_bytes())
    assert answer.status == 200
    text = _text(answer.text)
    assert "The scores of each person are not offered here" in text
    assert not re.search(r"\bR0\d\d\b", answer.text)  # no respondent reference anywhere
    _download(answer.text)  # one download, the aggregate
    assert "swemwbs-metric" in text and "Everyone" in text


def test_small_groups_are_hidden_on_the_page_and_in_the_download(site):
    rows = RESPONSES.read_text(encoding="utf-8").splitlines()
    few = "\n".join(rows[:7]) + "\n"  # six responses: too few to show
    answer = _aggregate(site, "few.csv", few.encode("utf-8"))
    assert answer.status == 200
    _, data = _download(answer.text)
    reports = [r for i in json.loads(data)["indicators"] for r in i["reports"]]
    assert reports and all(r.get("suppressed") and "mean" not in r for r in reports)
    assert "Hidden: too few people" in _text(answer.text)


@pytest.mark.parametrize("name, data", [
    ("empty.csv", b""),
    ("garbage.xlsx", b"PK\x03\x04" + bytes(range(256)) * 40),
    ("binary.csv", bytes(range(256)) * 100),
    ("deep.json", b"[" * 200_000 + b"]" * 200_000),
    ("dataset.json", MINIMAL.read_bytes()),
    ("wide.csv", ("a," * 20_000 + "\n").encode() * 3),
    ("quote.csv", b'Respondent reference,Instrument\n"R1,' + b"x" * 300_000 + b"\n"),
])
def test_hostile_responses_files_get_a_page_not_a_crash(site, work, name, data):
    answer = _aggregate(site, name, data)
    assert answer.status in (200, 400, 413, 422), answer.status
    assert "<h1>" in answer.text and "Traceback" not in answer.text
    assert list(work.iterdir()) == []
    assert request(f"{site}/questionnaires").status == 200  # the service goes on


def test_bad_questionnaire_requests_are_explained(site):
    refused = _aggregate(site, "r.csv", RESPONSES.read_bytes(), disclosure="none")
    assert refused.status == 400 and "disclosure policy must be one of" in _text(refused.text)
    assert "Score and aggregate" in _text(refused.text)
    odd = _aggregate(site, "r.csv", RESPONSES.read_bytes(), by="postcode")
    assert odd.status == 400 and "breakdown must be one of" in _text(odd.text)
    body, headers = multipart({"disclosure": "nhs-digital"})
    empty = request(f"{site}/questionnaires/aggregate", body, headers)
    assert empty.status == 400 and "no responses file was chosen" in _text(empty.text)
    big = _aggregate(site, "big.csv", b"x" * (3 * 1024 * 1024))
    assert big.status == 413
    assert request(f"{site}/questionnaires/aggregate").status == 405


def test_every_documentation_link_is_a_page_of_the_docs():
    from coprod_standard.web import advice

    pages = {href for _, href in [*advice.BROWSER.values(), *advice.WITH_OPTIONS.values(),
                                  advice._FALLBACK] if href.startswith(DOCS)}
    templates = ROOT / "coprod_standard" / "web" / "templates"
    for template in templates.glob("*.html"):
        pages |= {DOCS + found for found in re.findall(r'\{\{ docs \}\}([a-z/-]+)',
                                                       template.read_text())}
    assert len(pages) >= 6
    for href in pages:
        page = href.removeprefix(DOCS).strip("/")
        assert (ROOT / "docs" / f"{page}.md").is_file(), href
