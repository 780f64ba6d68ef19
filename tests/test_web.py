"""The web validator over real HTTP (uvicorn on a local port, urllib as the client): pages,
the JSON API against its OpenAPI description, privacy (nothing kept; kept results
expire), limits and security."""

from __future__ import annotations

import base64
import io
import json
import re
import time
import zipfile
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from jsonschema import Draft202012Validator
from openpyxl import load_workbook

from coprod_standard.web.config import WebConfig
from coprod_standard.web.retention import Store
from tests.conftest import EXAMPLES, ROOT
from tests.live_server import multipart, request, serve

BROKEN_WORKBOOK = ROOT / "docs" / "examples" / "broken-workbook.xlsx"
PAGES = ["/", "/template", "/checks", "/about", "/accessibility", "/api"]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("web-work")


@pytest.fixture(scope="module")
def site(work):
    with serve(WebConfig(max_upload_bytes=2 * 1024 * 1024, work_dir=work)) as base:
        yield base


def _upload(base, name, data, **fields):
    body, headers = multipart(fields, (name, data))
    return request(f"{base}/check", body, headers)


def _data_uris(html: str) -> dict[str, bytes]:
    return {name: base64.b64decode(data) for data, name in re.findall(
        r'href="data:[^;]+;base64,([^"]+)" download="([^"]+)"', html)}


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_each_bundled_example_gets_its_verdict_and_the_folder_is_left_empty(
        site, work, example):
    answer = _upload(site, example.name, example.read_bytes())
    assert answer.status == 200
    assert f"{example.name} is valid: it meets the standard" in answer.text
    assert list(work.iterdir()) == []  # deleted before the response was sent


def test_results_offer_the_report_and_converted_copies(site):
    answer = _upload(site, "dementia-club.json", (ROOT / "examples" / "dementia-club.json")
                     .read_bytes())
    files = _data_uris(answer.text)
    assert set(files) == {"dementia-club-report.json", "dementia-club.json",
                          "dementia-club.xlsx", "dementia-club-datapackage.zip"}
    assert json.loads(files["dementia-club-report.json"])["files"][0]["status"] == "valid"
    original = json.loads((ROOT / "examples" / "dementia-club.json").read_text())
    assert json.loads(files["dementia-club.json"]) == original
    assert "Projects" in load_workbook(io.BytesIO(files["dementia-club.xlsx"])).sheetnames
    names = zipfile.ZipFile(io.BytesIO(files["dementia-club-datapackage.zip"])).namelist()
    assert "datapackage.json" in names
    assert "In short (Easy Read)" in answer.text and "Equality: met." in answer.text


def test_a_broken_workbook_shows_its_cells(site, work):
    answer = _upload(site, "broken-workbook.xlsx", BROKEN_WORKBOOK.read_bytes())
    text = answer.text
    assert "does not meet the standard yet: 3 errors" in text
    for where in ("sheet Projects, cell O2 (Level of participation)",
                  "sheet Projects, cell J2 (Start date)",
                  "sheet Participant groups, cell E2 (Number of people)"):
        assert where in text
    assert re.search(r'<td class="focus">co-producton<span class="visually-hidden">', text)
    assert "Sheet Projects, around cell O2" in text
    assert "1 time, in 1 of 2 records" in text and "50% of records have it" in text
    assert list(work.iterdir()) == []


def test_pasted_json_is_checked_like_a_file(site):
    pasted = (ROOT / "examples" / "minimal.json").read_text()
    body, headers = multipart({"json": pasted, "level": "draft"})
    answer = request(f"{site}/check", body, headers)
    assert "pasted JSON is valid" in answer.text and "“draft” level" in answer.text


def test_an_oversized_upload_gets_a_plain_message_not_a_crash(site, work):
    big = b'{"padding": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    answer = _upload(site, "big.json", big)
    assert answer.status == 413
    assert "larger than this service&#39;s limit of 2 MB" in answer.text
    # the limit holds while reading, even when the request hides its length
    api = request(f"{site}/api/validate", iter([big[:1024 * 1024]] * 3),
                  {"Content-Type": "application/octet-stream"})
    assert api.status == 413 and api.json()["error"] == "too-large"
    assert list(work.iterdir()) == []


def test_bad_and_empty_requests_are_explained(site):
    body, headers = multipart({"level": "publish"})
    empty = request(f"{site}/check", body, headers)
    assert empty.status == 400 and "no file was chosen and no JSON was pasted" in empty.text
    odd = _upload(site, "a.json", b"{}", level="severe")
    assert odd.status == 400 and "must be 'publish' or 'draft'" in unescape(odd.text)
    wrong = request(f"{site}/check", b"hello", {"Content-Type": "text/plain"})
    assert wrong.status == 400
    for answer in (empty, odd, wrong, request(f"{site}/no-such-page"),
                   request(f"{site}/check")):
        assert "Traceback" not in answer.text and "<h1>" in answer.text
    assert request(f"{site}/check").status == 405


def test_unreadable_files_and_hostile_names(site, work):
    answer = _upload(site, "../../etc/passwd\x00.json", b"{not json")
    assert answer.status == 200 and "We could not read passwd.json" in answer.text
    assert "How to fix" in answer.text
    assert not (ROOT / "etc").exists() and list(work.iterdir()) == []
    named = _upload(site, "<b onmouseover=alert(1)>.json", b"{}")
    assert "<b onmouseover" not in named.text
    assert "&lt;b onmouseover=alert(1)&gt;.json does not meet" in named.text


def test_the_type_is_told_by_content_not_by_name(site):
    workbook = _upload(site, "looks-like.json", BROKEN_WORKBOOK.read_bytes())
    assert "cell O2" in workbook.text
    json_file = _upload(site, "looks-like.xlsx", (ROOT / "examples" / "minimal.json")
                        .read_bytes())
    assert "looks-like.xlsx is valid" in json_file.text


def test_every_page_answers_with_security_headers(site):
    for path in PAGES:
        answer = request(site + path)
        assert answer.status == 200, path
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "<main" in answer.text and 'lang="en"' in answer.text


def test_the_checks_page_lists_the_whole_catalogue(site):
    from coprod_standard.checks import catalogue

    text = request(f"{site}/checks").text
    for check in catalogue():
        assert check.code in text


def test_templates_download_as_real_files(site):
    from coprod_standard.schemas import version_names

    for version in version_names():
        answer = request(f"{site}/template/dataset-{version}.xlsx")
        assert answer.status == 200
        assert "Projects" in load_workbook(io.BytesIO(answer.body)).sheetnames
    assert request(f"{site}/template/responses.csv").text.startswith("Respondent reference")
    assert request(f"{site}/template/..%2F..%2Fetc%2Fpasswd").status == 404


# -- the API -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def openapi(site):
    document = request(f"{site}/api/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    return document


def _check(document, schema_name, instance):
    schema = {"$ref": f"#/components/schemas/{schema_name}",
              "components": document["components"]}
    errors = list(Draft202012Validator(schema).iter_errors(instance))
    assert errors == [], errors[0].message


def test_the_api_checks_a_body_and_a_form_and_matches_its_description(site, openapi):
    data = (ROOT / "examples" / "minimal.json").read_bytes()
    answer = request(f"{site}/api/validate?name=minimal.json", data,
                     {"Content-Type": "application/json"})
    assert answer.status == 200
    report = answer.json()
    _check(openapi, "Report", report)
    assert report["valid"] is True and report["files"][0]["source"] == "minimal.json"
    body, headers = multipart({}, ("broken.xlsx", BROKEN_WORKBOOK.read_bytes()))
    broken = request(f"{site}/api/validate", body, headers).json()
    _check(openapi, "Report", broken)
    cells = {i["location"]["column_letter"] + str(i["location"]["row"])
             for i in broken["files"][0]["issues"] if i.get("location")}
    assert {"O2", "J2", "E2"} <= cells


def test_api_errors_are_json_and_described(site, openapi):
    empty = request(f"{site}/api/validate", b"", {"Content-Type": "application/json"})
    assert empty.status == 400
    _check(openapi, "Error", empty.json())
    level = request(f"{site}/api/validate?level=loose", b"{}")
    assert level.status == 400
    missing = request(f"{site}/api/nothing")
    assert missing.status == 404 and missing.json()["error"] == "not-found"
    described = {(path, method) for path, item in openapi["paths"].items() for method in item}
    assert ("/api/validate", "post") in described and ("/api/checks", "get") in described


def test_the_api_lists_checks_and_versions(site, openapi):
    rows = request(f"{site}/api/checks").json()
    for row in rows:
        _check(openapi, "Check", row)
    assert len(request(f"{site}/api/checks?all=true").json()) > len(rows)
    assert request(f"{site}/api/versions").json()["latest"] == "1.1"


# -- keeping results, only when asked ------------------------------------------------------

def test_kept_results_are_there_until_they_expire(tmp_path):
    results, work = tmp_path / "results", tmp_path / "work"
    config = WebConfig(keep_for=timedelta(seconds=1), results_dir=results, work_dir=work)
    with serve(config) as base:
        body, headers = multipart({}, ("minimal.json", (ROOT / "examples" / "minimal.json")
                                       .read_bytes()))
        answer = request(f"{base}/check", body, headers, follow=False)
        assert answer.status == 303
        where = answer.headers["location"]
        page = request(base + where)
        assert "minimal.json is valid" in page.text and "kept until" in page.text
        report = request(f"{base}{where}/report")
        assert report.json()["valid"] is True
        assert list(work.iterdir()) == []  # the upload itself is never kept
        time.sleep(1.2)
        assert request(base + where).status == 404
        assert list(results.iterdir()) == []  # expired: deleted


def test_the_store_sweeps_expired_results_and_refuses_odd_names(tmp_path):
    store = Store(tmp_path, timedelta(hours=1))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    old, _ = store.new(now)
    store.put(old, "report", b"{}")
    fresh, _ = store.new(now + timedelta(minutes=50))
    assert store.load(old, "report", now + timedelta(minutes=30)) == b"{}"
    assert store.sweep(now + timedelta(minutes=61)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [fresh]
    assert store.load("../../etc", "passwd") is None
    with pytest.raises(ValueError):
        store.put(fresh, "../escape", b"x")


def test_coprod_serve_answers_every_bundled_example(tmp_path, coprod):
    """The command itself, as a person starts it."""
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "coprod_standard", "serve", "--port",
                               str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if request(base + "/").status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        for example in EXAMPLES:
            answer = _upload(base, example.name, example.read_bytes())
            assert f"{example.name} is valid: it meets the standard" in answer.text
        assert "server" not in {k.lower() for k in request(base + "/").headers}
    finally:
        server.terminate()
        out, err = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out and "Uploads are not kept" in out
    assert "Traceback" not in err
    refused = coprod("serve", "--keep-results", "2")
    assert refused.returncode == 2 and "--results-folder" in refused.stderr
