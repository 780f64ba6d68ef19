"""The web validator for organisations without programmers, in a real browser (Playwright
driving Debian's Chromium against the real server): the first problem is on a laptop's
first screen, the verdict's words for a warnings-only file, the unreadable-file page, the
questionnaires page from upload to the aggregate's download, and axe-core on each new or
changed page."""

from __future__ import annotations

import json

import pytest

from coprod_standard.web.config import WebConfig
from tests.axe import axe_violations, chromium
from tests.conftest import ROOT
from tests.live_server import serve

BROKEN_WORKBOOK = ROOT / "docs" / "examples" / "broken-workbook.xlsx"
MINIMAL = ROOT / "examples" / "minimal.json"
RESPONSES = ROOT / "examples" / "responses"
LAPTOP = {"width": 1366, "height": 768}
FIRST_SCREEN = 900  # px from the top of the page


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("organisations-browser-work")


@pytest.fixture(scope="module")
def site(work):
    with serve(WebConfig(max_upload_bytes=2 * 1024 * 1024, work_dir=work)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    # The site's Content-Security-Policy forbids scripts; axe is let in for the test only.
    context = browser.new_context(bypass_csp=True, viewport=LAPTOP, accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


def _check(page, site, path):
    page.goto(site + "/")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Check my file").click()
    page.wait_for_load_state()


def _bottom(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"] + box["height"]


def test_the_verdict_and_first_problem_are_on_a_laptops_first_screen(page, site):
    _check(page, site, BROKEN_WORKBOOK)
    assert page.locator(".verdict-word").inner_text() == "Not valid yet"
    first = page.locator(".issue").first
    assert "cell O2 (Level of participation)" in first.locator(".where").inner_text()
    assert _bottom(page, "#verdict") <= FIRST_SCREEN
    # the first problem: where it is, what is wrong and how to fix it
    assert _bottom(page, ".issue >> nth=0 >> p:has-text('How to fix')") <= FIRST_SCREEN
    # the cells are folded, and open on request
    grid = page.get_by_role("table", name="Sheet Projects, around cell O2")
    assert not grid.is_visible()
    first.locator("summary").click()
    assert grid.is_visible()
    assert axe_violations(page) == []
    # the downloads come after the problems, with sizes in KB
    downloads = page.locator("#downloads").bounding_box()["y"]
    assert downloads > page.locator(".issue").last.bounding_box()["y"]
    assert "KB)" in page.locator(".downloads").inner_text()


def test_a_warnings_only_file_is_valid_and_can_be_published(page, site):
    _check(page, site, MINIMAL)
    assert page.locator(".verdict-word").inner_text() == "Valid, with warnings"
    verdict = page.locator("#verdict").inner_text()
    assert "can be published" in verdict and "Warnings do not stop it being published" in verdict
    assert "Your file can be published." in page.locator(".easy-read").inner_text()
    assert page.get_by_role("heading", name="Warnings: do not stop publishing, but look at "
                                            "each one").is_visible()
    assert axe_violations(page) == []


def test_an_unreadable_file_shows_only_why(page, site, tmp_path):
    broken = tmp_path / "notes.json"
    broken.write_text("{this is not json", encoding="utf-8")
    _check(page, site, broken)
    assert page.locator(".verdict-word").inner_text() == "Could not read"
    main = page.locator("main").inner_text()
    assert "Why we could not read it" in main
    assert "principles" not in main and "Equality" not in main
    assert axe_violations(page) == []


def test_questionnaires_from_upload_to_the_aggregate(page, site, work):
    page.goto(site + "/")
    page.get_by_role("link", name="Questionnaires").click()
    assert page.get_by_role("heading", level=1).inner_text() == \
        "Score and aggregate questionnaires"
    assert axe_violations(page) == []
    page.set_input_files("#file", str(RESPONSES / "club-wellbeing-responses.xlsx"))
    page.get_by_label("threshold-10").check()
    page.get_by_label("Also break the figures down by (optional)").select_option("role")
    page.get_by_label("Your organisation or role (optional)").fill("Riverside Carers' Club")
    page.get_by_role("button", name="Score and aggregate").click()
    page.wait_for_load_state()
    assert page.locator(".verdict-word").inner_text() == "Added up"
    assert "Small numbers protected under threshold-10" in page.locator("#verdict").inner_text()
    table = page.get_by_role("table", name="Results after the small-numbers rule: these are "
                                           "safe to publish")
    assert table.is_visible() and "unpaid-carer" in table.inner_text()
    assert list(work.iterdir()) == []
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="The figures (JSON").click()
    saved = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert download.value.suggested_filename == "club-wellbeing-responses-aggregate.json"
    assert saved["disclosureControl"]["policy"] == "threshold-10"
    assert saved["disclosureControl"]["appliedBy"] == "Riverside Carers' Club"
    assert {i["id"] for i in saved["indicators"]} == {"swemwbs-raw", "swemwbs-metric"}


def test_an_unreadable_responses_file_shows_only_why(page, site, tmp_path):
    broken = tmp_path / "answers.json"
    broken.write_text("[[[{not json", encoding="utf-8")
    page.goto(site + "/questionnaires")
    page.set_input_files("#file", str(broken))
    page.get_by_role("button", name="Score and aggregate").click()
    page.wait_for_load_state()
    assert page.locator(".verdict-word").inner_text() == "Could not read"
    assert page.locator(".figures").count() == 0
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/template", "/questionnaires"])
def test_axe_finds_no_violations_on_the_changed_pages(page, site, path):
    page.goto(site + path)
    assert axe_violations(page) == []


def test_a_dataset_on_the_questionnaires_page_is_sent_to_the_checking_page(page, site):
    page.goto(site + "/questionnaires")
    page.set_input_files("#file", str(MINIMAL))
    page.get_by_role("button", name="Score and aggregate").click()
    page.wait_for_load_state()
    assert page.locator(".verdict-word").inner_text() == "Not questionnaire responses"
    assert "is a co-production dataset" in page.locator("#problems + .issue").inner_text()
    assert _bottom(page, "#problems + .issue") < FIRST_SCREEN
    assert page.locator(".figures").count() == 0
    assert axe_violations(page) == []
    page.locator("#problems + .issue a[href='/']").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check a co-production dataset"
