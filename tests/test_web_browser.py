"""The web validator in a real browser: Playwright driving Debian's Chromium (installed by
tests/run.sh) against the real server. Uploads, a keyboard-only walk from upload to
results, and axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from coprod_standard.web.config import WebConfig
from tests.axe import axe_violations, chromium
from tests.conftest import EXAMPLES, ROOT
from tests.live_server import serve

BROKEN_WORKBOOK = ROOT / "docs" / "examples" / "broken-workbook.xlsx"
LIMIT = 200 * 1024  # small, so that an example-sized file can go over it


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("browser-work")


@pytest.fixture(scope="module")
def site(work):
    with serve(WebConfig(max_upload_bytes=LIMIT, work_dir=work)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    # The site's Content-Security-Policy forbids scripts; axe is let in for the test only.
    context = browser.new_context(bypass_csp=True, java_script_enabled=True)
    tab = context.new_page()
    yield tab
    context.close()


_axe = axe_violations


def _upload(page, site, path):
    page.goto(site + "/")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Check my file").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_uploading_each_example_shows_valid(page, site, work, example):
    if example.stat().st_size > LIMIT:
        pytest.skip("larger than this server's small test limit")
    _upload(page, site, example)
    assert page.locator(".verdict-word").inner_text() in ("Valid", "Valid, with warnings")
    assert f"{example.name} is valid" in page.locator("#verdict").inner_text()
    assert list(work.iterdir()) == []


def test_a_broken_spreadsheet_shows_the_cells_at_fault(page, site):
    _upload(page, site, BROKEN_WORKBOOK)
    assert page.locator(".verdict-word").inner_text() == "Not valid yet"
    for summary in page.locator(".issue summary").all():  # the cells are folded
        summary.click()
    focus = page.locator("table.grid td.focus")
    assert focus.count() == 3
    assert "co-producton" in focus.nth(0).inner_text()
    assert page.get_by_text("sheet Projects, cell O2 (Level of participation)").is_visible()
    assert page.get_by_role("table", name="Sheet Projects, around cell O2").is_visible()


def test_an_oversized_file_gets_the_friendly_limit_message(page, site, tmp_path):
    big = tmp_path / "big.json"
    big.write_text('{"padding": "' + "x" * (LIMIT + 10) + '"}', encoding="utf-8")
    _upload(page, site, big)
    assert page.get_by_role("heading", level=1).inner_text() == "Your file is too large"
    assert "limit of 200 KB" in page.locator("main").inner_text()


def _focus_is_visible(page) -> bool:
    return page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
            || s.boxShadow !== 'none';
    }""")


def _tab_to(page, predicate: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            assert _focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")
            return
    raise AssertionError(f"the keyboard never reached: {predicate}")


def test_keyboard_alone_from_upload_to_results(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    _tab_to(page, "document.activeElement.id === 'file'")
    for attempt in range(3):  # headless Chromium now and then misses the first key press
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            break
        except PlaywrightTimeout:
            assert attempt < 2, "Space on the focused file field never opened the chooser"
            assert page.evaluate("document.activeElement.id") == "file"
    chooser.value.set_files(str(BROKEN_WORKBOOK))
    _tab_to(page, "document.activeElement.id === 'level-publish'")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "level-draft"
    assert page.is_checked("#level-draft")
    _tab_to(page, "document.activeElement.tagName === 'BUTTON'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".verdict-word").inner_text() == "Not valid yet"
    assert "“draft” level" in page.locator("#verdict").inner_text()
    _tab_to(page, "document.activeElement.getAttribute('download') !== null", limit=80)
    _tab_to(page, "document.activeElement.textContent === 'Check another file'", limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/") == site


def test_the_core_flow_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    _upload(tab, site, ROOT / "examples" / "minimal.json")
    assert tab.locator(".verdict-word").inner_text() == "Valid, with warnings"
    context.close()


PAGES = ["/", "/questionnaires", "/template", "/checks", "/about", "/accessibility", "/api",
         "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations_on_each_page(page, site, path):
    page.goto(site + path)
    assert _axe(page) == []


@pytest.mark.parametrize("upload", ["minimal.json", "broken-workbook.xlsx", "not-json.json",
                                    "big.json"])
def test_axe_finds_no_violations_on_results_and_problem_pages(page, site, tmp_path, upload):
    sources = {"minimal.json": ROOT / "examples" / "minimal.json",
               "broken-workbook.xlsx": BROKEN_WORKBOOK}
    path = sources.get(upload, tmp_path / upload)
    if upload == "not-json.json":
        path.write_text("{this is not json", encoding="utf-8")
    if upload == "big.json":
        path.write_text("x" * (LIMIT + 1), encoding="utf-8")
    _upload(page, site, path)
    assert re.search(r"Results for|too large", page.locator("h1").inner_text())
    assert _axe(page) == []


def test_the_axe_harness_does_find_violations(page):
    """So that 'no violations' above means something."""
    page.set_content('<html><body><input type="text"><img src="x.png"></body></html>')
    found = {v["id"] for v in _axe(page)}
    assert {"label", "image-alt", "html-has-lang"} <= found
