"""Schemas resolve from the package: a $ref never fetches, proved against a real local server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import referencing.exceptions
from jsonschema import Draft202012Validator

from coprod_standard import validate
from coprod_standard.formats import format_checker
from coprod_standard.schemas import registry
from tests.conftest import EXAMPLES


class _Counter(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        _Counter.requests.append(self.path)
        body = json.dumps({"type": "string"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/schema+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self):  # noqa: N802 - how an https fetch through a proxy starts
        _Counter.requests.append(f"CONNECT {self.path}")
        self.send_error(502)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Counter.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_server_really_answers(server):
    from urllib.request import urlopen

    with urlopen(f"{server}/probe.json", timeout=5) as response:
        assert json.load(response) == {"type": "string"}
    assert _Counter.requests == ["/probe.json"]


def test_a_remote_ref_is_never_fetched(server):
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "https://coprod-standard.org/schema/test/remote.schema.json",
              "properties": {"x": {"$ref": f"{server}/remote.json"}}}
    validator = Draft202012Validator(schema, registry=registry("1.0"),
                                     format_checker=format_checker())
    with pytest.raises(referencing.exceptions.Unresolvable):
        list(validator.iter_errors({"x": 1}))
    assert _Counter.requests == []


def test_validating_every_example_makes_no_request(server):
    for path in EXAMPLES:
        assert validate(path).valid, path
    assert _Counter.requests == []


def _through_trap(server: str, code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "http_proxy": server, "https_proxy": server,
           "HTTP_PROXY": server, "HTTPS_PROXY": server, "no_proxy": "", "NO_PROXY": ""}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_proxy_trap_catches_a_naive_fetch(server):
    """Control: plain jsonschema without a registry does try to fetch the canonical $id."""
    naive = ("import jsonschema, warnings; warnings.simplefilter('ignore');\n"
             "s={'$ref': 'https://coprod-standard.org/schema/1.0/common.schema.json'}\n"
             "try: jsonschema.validate(1, s)\nexcept Exception: pass")
    _through_trap(server, naive)
    assert _Counter.requests, "the trap saw nothing, so the next test would prove nothing"


def test_the_cli_makes_no_request_even_through_a_proxy(server):
    paths = ", ".join(repr(str(p)) for p in EXAMPLES)
    code = ("import sys; from coprod_standard.cli import cli\n"
            f"sys.argv=['coprod', 'validate', {paths}]\ncli.main()")
    result = _through_trap(server, code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _Counter.requests == []


def test_an_extension_with_a_remote_ref_gets_a_clear_issue_and_fetches_nothing(server,
                                                                                tmp_path):
    folder = tmp_path / "remote-ext"
    folder.mkdir()
    (folder / "extension.json").write_text(json.dumps({
        "name": "remote-ext", "title": "Remote", "description": "Refers to the web.",
        "versions": ["1.1"], "patches": {"project.schema.json": {"properties": {
            "remoteThing": {"$ref": f"{server}/remote.json"}}}}}))
    data = json.loads(EXAMPLES[0].read_text())
    data.update(version="1.1", extensions=["remote-ext"])
    data["projects"][0]["remoteThing"] = 1
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    report = validate(path, extension_dirs=[tmp_path])
    [issue] = [i for i in report.issues if i.code == "extension-failed"]
    assert f"{server}/remote.json" in issue.message and "a schema on the web" in issue.message
    assert _Counter.requests == []
    result = subprocess.run([sys.executable, "-m", "coprod_standard", "validate", str(path),
                             "--extension-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "local files only" in result.stdout and _Counter.requests == []


def test_the_tests_themselves_have_no_network_but_loopback(server):
    """Every test process refuses connections and name lookups beyond loopback
    (tests/nonet); a test's own loopback server still answers."""
    import socket
    from urllib.request import urlopen

    from tests_network_guard import NetworkBlocked

    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1, never routed
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.org", 443)
    with urlopen(f"{server}/ok.json", timeout=5) as response:
        assert response.status == 200
    child = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('192.0.2.1', 80), 1)"],
        capture_output=True, text=True, timeout=60)
    assert child.returncode != 0 and "the tests allow no network" in child.stderr
