"""The web validator as a service (issue 16): no file brings it down, nothing of an upload
outlives its request (not even on SIGTERM), and its deployment limits hold against slow,
oversized and too many clients. Each server is the real `coprod serve`, a process of its
own on 127.0.0.1 with its own TMPDIR; the clients are raw sockets and urllib. The only
times here are the service's own deadlines, set short by its options."""

from __future__ import annotations

import http.client
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from starlette.routing import Route

from benchmarks.synthetic import valid_dataset
from coprod_standard.web.config import WebConfig
from coprod_standard.web.work import LOCK, PREFIX
from tests.conftest import ROOT
from tests.live_server import multipart, request, serve

MINIMAL = (ROOT / "examples" / "minimal.json").read_bytes()
STOP_WITHIN = 60  # seconds: a guard against a hanging server, not a measurement


@dataclass
class Server:
    base: str
    port: int
    temp: Path  # the server's TMPDIR
    process: subprocess.Popen
    log: Path

    def request_folders(self) -> list[Path]:
        return list(self.temp.glob(f"{PREFIX}*/request-*"))

    def leftovers(self) -> list[Path]:
        """Every file in TMPDIR but the server's own lock and multiprocessing's socket."""
        return [p for p in self.temp.rglob("*") if not p.is_dir() and p.name != LOCK
                and not p.parent.name.startswith("pymp-")]

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=STOP_WITHIN)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(folder: Path, *options: str) -> Server:
    """`coprod serve OPTIONS` with TMPDIR=FOLDER/tmp, once it answers."""
    temp = folder / "tmp"
    temp.mkdir(parents=True, exist_ok=True)
    port, log = _free_port(), folder / f"serve-{time.monotonic_ns()}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "coprod_standard", "serve", "--port", str(port), *options],
            env={**os.environ, "TMPDIR": str(temp)}, stdout=output, stderr=output)
    server = Server(f"http://127.0.0.1:{port}", port, temp, process, log)
    for _ in range(600):
        try:
            if request(server.base + "/api/versions").status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("coprod serve did not start")


@contextmanager
def coprod_serve(folder: Path, *options: str):
    """A server, stopped with SIGTERM at the end: it must then exit normally, leave its
    TMPDIR empty and its log free of tracebacks."""
    server = _start(folder, *options)
    try:
        yield server
    finally:
        server.stop()
    assert server.process.returncode == 0
    assert list(server.temp.iterdir()) == []  # the work folder, every request folder: gone
    assert "Traceback" not in server.log.read_text()


def _validate(server: Server, data: bytes, **query: str):
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    return request(f"{server.base}/api/validate?{suffix}", data,
                   {"Content-Type": "application/octet-stream"})


def _still_answering(server: Server) -> None:
    answer = _validate(server, MINIMAL, name="minimal.json")
    assert answer.status == 200 and answer.json()["valid"] is True
    assert server.request_folders() == []


def _checks_running(server: Server) -> set[int]:
    """The server's grandchildren (from /proc): the check processes, which the fork
    server (a child, like multiprocessing's resource tracker) starts."""
    parents = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if stat:
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    children = {pid for pid, parent in parents.items() if parent == server.process.pid}
    return {pid for pid, parent in parents.items() if parent in children}


# -- a file that makes a check fail: only that check ends ---------------------------------

@pytest.fixture(scope="module")
def small_memory(tmp_path_factory):
    with coprod_serve(tmp_path_factory.mktemp("memory"), "--check-memory", "64") as server:
        yield server


HOSTILE = {  # real files that need more memory than 64 MB to check
    # two million empty projects: Python runs out of memory (MemoryError)
    "million-objects": b'{"version": "1.0", "projects": [' + b",".join([b"{}"] * 2_000_000)
                       + b"]}",
    # two million strings: fits to be checked, then the JSON download's writer (orjson)
    # cannot allocate and the process dies of a segmentation fault
    "million-strings": b'{"version": "1.0", "projects": [], "notes": ['
                       + b",".join([b'"a"'] * 2_000_000) + b"]}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_file_the_checker_cannot_survive_ends_only_its_own_check(small_memory, name):
    answer = _validate(small_memory, HOSTILE[name], name=f"{name}.json")
    assert (answer.status, answer.json()["error"]) in {(422, "check-memory"),
                                                       (500, "check-failed")}
    assert "could not be checked" in answer.json()["message"]
    assert "Nothing you sent has been kept" in answer.json()["message"]
    if name == "million-objects":
        assert answer.status == 422 and "(64 MB)" in answer.json()["message"]
    _still_answering(small_memory)
    assert small_memory.process.poll() is None


def test_the_page_says_the_file_could_not_be_checked(small_memory):
    body, headers = multipart({}, ("objects.json", HOSTILE["million-objects"]))
    answer = request(f"{small_memory.base}/check", body, headers)
    assert answer.status == 422
    assert "<h1>Your file could not be checked</h1>" in answer.text
    assert "needed more memory than this service allows (64 MB)" in answer.text
    _still_answering(small_memory)


# -- the deadline --------------------------------------------------------------------------

def test_a_check_past_its_deadline_is_stopped(tmp_path):
    slow = json.dumps(valid_dataset(12_000)).encode()  # a real dataset, seconds to check
    with coprod_serve(tmp_path, "--check-timeout", "1") as server:
        answer = _validate(server, slow, name="slow.json")
        assert answer.status == 504
        assert answer.json() == {
            "error": "check-timeout",
            "message": "This file could not be checked: it took longer than 1 second, the "
                       "most this service gives one file. Nothing you sent has been kept."}
        assert server.request_folders() == []
        assert _checks_running(server) == set()  # the check's process was stopped
        assert request(server.base + "/api/versions").status == 200


# -- nothing stays in the temporary folder --------------------------------------------------

def _dataset_the_workbook_cannot_hold() -> tuple[bytes, str]:
    """A valid dataset whose title has a control character: the JSON download is made,
    the Excel download fails part way (its rows already spooled to temporary files)."""
    data = json.loads((ROOT / "examples" / "dementia-club.json").read_text())
    marker = "Memory cafe for the spool test"
    data["projects"][0]["description"] = marker
    data["projects"][0]["title"] = "Memory caf\x07"
    return json.dumps(data).encode(), marker


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    with coprod_serve(tmp_path_factory.mktemp("limited"), "--max-upload", "1",
                      "--max-uploads", "5", "--upload-timeout", "3",
                      "--header-timeout", "2") as server:
        yield server


def test_a_failed_excel_download_leaves_no_file_behind(limited):
    data, marker = _dataset_the_workbook_cannot_hold()
    for _ in range(3):
        body, headers = multipart({}, ("cafe.json", data))
        page = request(f"{limited.base}/check", body, headers)
        assert page.status == 200 and "cafe.json is valid" in page.text
        assert "The data as an Excel workbook could not be made" in page.text
        assert _validate(limited, data, name="cafe.json").status == 200
    assert limited.leftovers() == []
    assert not [p for p in limited.temp.rglob("*") if p.is_file()
                and marker.encode() in p.read_bytes()]


def test_sigterm_in_the_middle_of_a_check_leaves_nothing(tmp_path):
    slow = json.dumps(valid_dataset(20_000)).encode()
    answers = []
    with coprod_serve(tmp_path) as server:
        client = threading.Thread(target=lambda: answers.append(
            _validate(server, slow, name="slow.json")))
        client.start()
        for _ in range(1200):  # until the check's process is running on the upload
            if server.request_folders() and _checks_running(server):
                break
            time.sleep(0.05)
        assert server.request_folders()
        assert server.stop() == 0
        client.join(timeout=STOP_WITHIN)
    # coprod_serve has checked that TMPDIR is empty; the person was told, in JSON
    answer = answers[0]
    assert answer.status in (200, 503)
    if answer.status == 503:
        assert answer.json()["error"] == "stopping"
        assert "Nothing you sent has been kept" in answer.json()["message"]


def test_a_killed_servers_folder_is_removed_by_the_next_and_nothing_else(tmp_path):
    import fcntl

    temp = tmp_path / "tmp"
    temp.mkdir()
    unlocked, alive = temp / f"{PREFIX}123-abcdefgh", temp / f"{PREFIX}456-abcdefgh"
    foreign = [unlocked, alive, temp / "coprod-web-notes", temp / "keep.txt"]
    unlocked.mkdir()  # named as a server names its folder, but with no lock: not ours
    alive.mkdir()
    (alive / LOCK).touch()
    held = (alive / LOCK).open("rb")  # a running server's folder: its lock is held
    fcntl.flock(held, fcntl.LOCK_EX)
    foreign[2].mkdir()
    foreign[3].write_text("not the server's")
    killed = _start(tmp_path)
    _still_answering(killed)
    killed.stop(signal.SIGKILL)
    assert len(list(temp.glob(f"{PREFIX}{killed.process.pid}-*"))) == 1  # left behind
    foreign += list(temp.glob("pymp-*"))  # multiprocessing's socket: not the server's
    with coprod_serve(tmp_path) as following:
        _still_answering(following)
        assert not list(temp.glob(f"{PREFIX}{killed.process.pid}-*"))  # removed at start
        assert set(foreign) <= set(temp.iterdir())
        for path in foreign:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    held.close()


# -- the body: part headers and every field count ------------------------------------------

FLOODS = {  # 48 MB of part headers: parts with long headers, or very many short parts
    "long-part-headers": (7, "A part of the form has headers longer than this service "
                             "takes (8 KB)"),
    "many-parts": (1, "The form has more parts than this service takes (8)"),
}


def _flood(server: Server, path: str, headers: int, *, chunked: bool) -> tuple[bytes, int]:
    """POST 48 MB of multipart parts, each with HEADERS headers of 4,000 bytes; the
    answer, and how much was sent before the server closed the connection."""
    connection = socket.socket()
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    connection.connect(("127.0.0.1", server.port))
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {48 * 2**20}"
    connection.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data;"
                       f" boundary=b\r\n{length}\r\n\r\n".encode())
    part = (b"--b\r\n" + b"".join(b"X-Padding-%d: " % k + b"a" * 4000 + b"\r\n"
                                  for k in range(headers))
            + b'Content-Disposition: form-data; name="level"\r\n\r\npublish\r\n')
    sent = [0]

    def send() -> None:
        try:
            while sent[0] < 48 * 2**20:
                chunk = f"{len(part):x}\r\n".encode() + part + b"\r\n" if chunked else part
                connection.sendall(chunk)
                sent[0] += len(part)
        except OSError:
            pass  # the server has closed the connection

    sender = threading.Thread(target=send)
    sender.start()
    connection.settimeout(STOP_WITHIN)
    answer = b""
    try:
        while chunk := connection.recv(65536):
            answer += chunk
    except OSError:
        pass
    sender.join()
    connection.close()
    return answer, sent[0]


@pytest.mark.parametrize("flood", sorted(FLOODS))
@pytest.mark.parametrize("path", ["/check", "/api/validate"])
def test_48_mb_of_part_headers_are_refused_early(limited, path, flood):
    headers, message = FLOODS[flood]
    answer, sent = _flood(limited, path, headers, chunked=True)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert message.encode() in answer.replace(b"&#39;", b"'")
    assert (b'"error":"too-large"' in answer) == (path == "/api/validate")
    assert sent < 16 * 2**20  # refused at once: most of it was never sent
    declared, sent = _flood(limited, path, headers, chunked=False)  # said in its length
    assert declared.startswith(b"HTTP/1.1 413 ") and b"limit of 1 MB" in declared
    assert sent < 16 * 2**20
    assert limited.request_folders() == []


def test_form_fields_count_against_the_limit(limited):
    body, headers = multipart({"json": " " * (2 * 2**20)})
    answer = request(f"{limited.base}/check", body, headers)
    assert answer.status == 413 and "limit of 1 MB" in answer.text


# -- slow and many clients ---------------------------------------------------------------------

def _connect(server: Server) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", server.port))
    connection.settimeout(STOP_WITHIN)
    return connection


def _answer(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    return answer


def test_fifty_slow_uploads_hold_at_most_the_cap_and_are_cut_off(limited):
    clients = []
    for _ in range(50):
        client = _connect(limited)
        client.sendall(b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: "
                       b"application/json\r\nContent-Length: 100000\r\n\r\n{")
        clients.append(client)
    refused: dict[socket.socket, bytes] = {}
    until = time.monotonic() + 2  # less than the upload deadline: the 503s come at once
    while len(refused) < 45 and time.monotonic() < until:
        answered, _, _ = select.select([c for c in clients if c not in refused], [], [], 0.1)
        refused.update((client, _answer(client)) for client in answered)
    held = len(limited.request_folders())
    assert held <= 5 and len(refused) >= 45
    for answer in refused.values():
        assert answer.startswith(b"HTTP/1.1 503 ") and b"retry-after: 30" in answer.lower()
        assert b'"error":"busy"' in answer and b"please try again in a minute" in answer
    slow = [client for client in clients if client not in refused]
    for client in slow:  # trickling: cut off by the upload deadline (3 seconds)
        client.sendall(b" ")
    cut = [_answer(client) for client in slow]
    assert all(answer.startswith(b"HTTP/1.1 408 ") for answer in cut)
    assert b'"error":"too-slow"' in cut[0] and b"did not arrive within 3 seconds" in cut[0]
    assert limited.request_folders() == []
    for client in clients:
        client.close()
    _still_answering(limited)


def test_a_client_slow_to_send_its_headers_is_closed(limited):
    silent, partial, second = _connect(limited), _connect(limited), _connect(limited)
    partial.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the end of the headers
    second.sendall(b"GET /api/versions HTTP/1.1\r\nHost: x\r\n\r\n")
    first = http.client.HTTPResponse(second)
    first.begin()
    assert first.status == 200 and first.read()
    second.sendall(b"GET / HTTP/1.1\r\n")  # a kept-alive connection, then slow headers
    for connection in (silent, partial, second):
        assert _answer(connection) == b""  # closed by the server (2 seconds)
    for connection in (silent, partial, second):
        connection.close()


# -- errors on the API are JSON ----------------------------------------------------------------

def test_every_api_answer_is_json_even_for_a_fault(limited, tmp_path):
    lone_surrogate = MINIMAL.replace(b'"Listening group"', b'"\\udcff"')
    answer = _validate(limited, lone_surrogate, name="odd.json")
    assert answer.status in (200, 500)  # 500 until lone surrogates are read as such
    assert answer.headers["content-type"] == "application/json"
    assert set(answer.json()) >= ({"tool", "files"} if answer.status == 200 else
                                  {"error", "message"})

    def fault(request):
        raise RuntimeError("a fault in the service")

    with serve(WebConfig(work_dir=tmp_path), routes=[Route("/api/fault", fault),
                                                     Route("/fault", fault)]) as base:
        api = request(f"{base}/api/fault")
        document = request(f"{base}/api/openapi.json").json()
        page = request(f"{base}/fault")
    assert api.status == 500 and api.headers["content-type"] == "application/json"
    assert api.json()["error"] == "server-fault" and "Nothing you sent" in api.json()["message"]
    schema = {"$ref": "#/components/schemas/Error", "components": document["components"]}
    assert list(Draft202012Validator(schema).iter_errors(api.json())) == []
    assert page.status == 500 and "<h1>Sorry, something went wrong</h1>" in page.text
    described = document["paths"]["/api/validate"]["post"]["responses"]
    assert {"408", "413", "422", "500", "503", "504"} <= set(described)


@pytest.mark.parametrize("hostile", ["strings", "far-cell", "damaged"])
def test_the_issues_hostile_workbooks_are_answered_and_the_service_goes_on(tmp_path, hostile):
    """The workbooks that aborted the compiled reader (and with it the whole service) get a
    report; the server answers the next request and keeps nothing."""
    from tests.security.test_hostile_workbooks import hostile_book

    with coprod_serve(tmp_path) as server:
        answer = _validate(server, hostile_book(hostile), name="hostile.xlsx")
        assert answer.status == 200, answer.body[:300]
        report = answer.json()["files"][0]
        assert report["status"] == ("unreadable" if hostile == "damaged" else "invalid")
        _still_answering(server)
