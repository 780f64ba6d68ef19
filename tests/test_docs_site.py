"""The documentation site meets the accessibility it asks of others: built strictly, served
by a real local web server, and checked with axe-core in Chromium on every guide page and
on samples of the generated reference pages."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading

import pytest

from tests.axe import axe_violations, chromium
from tests.conftest import ROOT

GUIDES = sorted(p.stem for p in (ROOT / "docs").glob("*.md"))
REFERENCE = ["reference/schema", "reference/codelists", "reference/issue-codes",
             "reference/checks", "reference/cli", "reference/python",
             "reference/instruments", "reference/codes/invalid-date",
             "reference/codes/unpaid-carers-missing"]
PAGES = ["" if name == "index" else name for name in GUIDES] + REFERENCE


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                            str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def tab():
    with chromium() as browser:
        page = browser.new_page()
        yield page


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations_on_the_docs_site(site, tab, path):
    tab.goto(f"{site}/{path}/" if path else f"{site}/")
    assert tab.locator("h1").count() >= 1
    assert axe_violations(tab) == []
