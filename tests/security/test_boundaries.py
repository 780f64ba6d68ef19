"""Boundaries (issue 16): what a dataset may reach, and what one bad publisher can do.

A dataset names extensions by plain name only; they come from the toolkit's own folder and
from folders the user names (--extension-dir), so no dataset (uploaded, checked on the
command line or fetched by combine) can load an extension.json from anywhere else, and no
spelling of a reference can grow memory. combine --fetch gives each download a deadline for
the whole of it, and records every bad publisher as unavailable, with a plain reason, while
the run goes on and the store is written.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from coprod_standard.upgrade import upgrade
from coprod_standard.validate import validate
from tests.conftest import ROOT, run_coprod

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text(encoding="utf-8"))


def _invalid_dataset() -> dict:
    """Invalid as it stands (an unknown field), valid only with the planted extension."""
    data, _ = upgrade(MINIMAL, "1.1")
    data["projects"][0]["backdoor"] = "let me in"
    return data


def _plant(folder: Path) -> Path:
    """An extension that would make the invalid dataset valid, if it were ever loaded."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extension.json").write_text(json.dumps({
        "name": folder.name, "title": "Backdoor", "description": "Allows anything.",
        "patches": {"project.schema.json": {"properties": {"backdoor": {"type": "string"}}}}}))
    return folder


@pytest.fixture
def planted(tmp_path):
    """outside/evil (an extension), and data/ (where the datasets are written)."""
    evil = _plant(tmp_path / "outside" / "evil")
    _plant(tmp_path / "data" / "evil")  # beside the dataset: not a folder the user named
    named = tmp_path / "named"
    named.mkdir()
    (named / "evil").symlink_to(evil, target_is_directory=True)  # a symlink out of it
    return tmp_path


def _references(root: Path) -> dict[str, str]:
    evil = root / "outside" / "evil"
    return {
        "absolute": str(evil),
        "dot-dot": os.path.relpath(evil, root / "data"),
        "dot-dot-deep": "../" * 12 + str(evil).lstrip("/"),
        "url": f"file://{evil}",
        "web": "https://example.org/evil",
        "symlink-out-of-named-folder": "evil",
        "not-in-a-named-folder": "evil",
    }


def _write(root: Path, case: str, reference: str) -> Path:
    data = _invalid_dataset()
    data["extensions"] = [reference]
    path = root / "data" / f"{case}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _stays_invalid(issues: list[dict], case: str) -> None:
    codes = {issue["code"] for issue in issues}
    assert {"extension-not-found", "unknown-field"} <= codes, (case, codes)
    [message] = [i["message"] for i in issues if i["code"] == "extension-not-found"]
    message = " ".join(message.split())
    assert "Known here: welsh-local-authority" in message and "--extension-dir" in message


def test_a_dataset_on_the_command_line_loads_no_extension_from_outside_the_folders_named(
        planted):
    cases = _references(planted)
    paths = {case: _write(planted, case, ref) for case, ref in cases.items()}
    named = [p for c, p in paths.items() if c == "symlink-out-of-named-folder"]
    others = [p for c, p in paths.items() if c != "symlink-out-of-named-folder"]
    for files, options in ((others, []), (named, ["--extension-dir", planted / "named"])):
        result = run_coprod("validate", *files, "--format", "json", *options)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        reports = json.loads(result.stdout)["files"]
        assert len(reports) == len(files)
        for report, path in zip(reports, files, strict=True):
            assert report["status"] == "invalid" and report["extensions"] == []
            _stays_invalid(report["issues"], path.stem)
    plain = " ".join(result.stdout.split())
    assert "'evil' is not known here" in plain


def test_an_extension_in_a_folder_the_user_names_is_applied(planted):
    path = _write(planted, "named", "evil")
    result = run_coprod("validate", path, "--format", "json", "--level", "schema",
                        "--extension-dir", planted / "outside")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)["files"][0]
    assert report["valid"] and report["extensions"] == ["evil"]
    # the same through the Python API; and a path is refused even with the folder named
    assert validate(path, level="schema", extension_dirs=[planted / "outside"]).valid
    absolute = _write(planted, "absolute", str(planted / "outside" / "evil"))
    refused = validate(absolute, level="schema", extension_dirs=[planted / "outside"])
    assert {"extension-not-found", "unknown-field"} <= {i.code for i in refused.issues}
    compiled = run_coprod("compile", "--extension", str(planted / "outside" / "evil"))
    assert compiled.returncode == 2 and "not the name of an extension" in compiled.stderr
    named = run_coprod("compile", "--extension", "evil", "--extension-dir",
                       planted / "outside")
    assert named.returncode == 0 and '"backdoor"' in named.stdout


def test_an_uploaded_dataset_loads_no_extension_from_the_server(planted):
    from coprod_standard.web.config import WebConfig
    from tests.live_server import request, serve

    work = planted / "work"
    _plant(work / "evil")  # beside every upload's own folder
    references = {**_references(planted), "beside-the-upload": "../evil",
                  "in-the-work-folder": str(work / "evil")}
    with serve(WebConfig(work_dir=work)) as site:
        for case, reference in references.items():
            data = _invalid_dataset()
            data["extensions"] = [reference]
            answer = request(f"{site}/api/validate?name={case}.json", json.dumps(data).encode(),
                             {"Content-Type": "application/json"})
            assert answer.status == 200, (case, answer.text)
            report = answer.json()["files"][0]
            assert report["status"] == "invalid", case
            _stays_invalid(report["issues"], case)
        data = _invalid_dataset()
        data["extensions"] = ["welsh-local-authority"]  # the toolkit's own: still there
        report = request(f"{site}/api/validate", json.dumps(data).encode(),
                         {"Content-Type": "application/json"}).json()["files"][0]
        assert report["extensions"] == ["welsh-local-authority"]


MEMORY_SCRIPT = textwrap.dedent("""
    import gc, json, sys, threading
    from pathlib import Path
    from coprod_standard import schemas
    from coprod_standard.extensions import compile_set
    from coprod_standard.schema_engine import engine
    from coprod_standard.fields import fields
    from coprod_standard.codelists import load_codelists
    from coprod_standard.validate import validate

    root, dataset = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
    evil = root / "outside" / "evil"

    def rss_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024

    def spelling(i):
        kind = i % 5
        if kind == 0:
            return [str(root) + "/./" * (i % 40) + "outside/evil"]
        if kind == 1:
            return ["../" * (i % 30) + str(evil).lstrip("/") + "/" * (i % 7)]
        if kind == 2:
            return [f"file://{evil}?{i}"]
        if kind == 3:
            return ["welsh-local-authority"] * (i % 9 + 1)
        return [f"welsh-local-authority-{i}"]

    results = {}
    for i in range(1000):
        if i == 100:
            gc.collect()
            before = rss_mb()
        dataset["extensions"] = spelling(i)
        assert not validate(dataset, level="schema").valid
    gc.collect()
    results["spellings"] = {"growth_mb": rss_mb() - before, "kept": schemas.compiled_keys()}

    # many different extension sets, all real: only the last few are kept, with all
    # that was cached for them; a set in use by a check is kept until it ends
    names = []
    for i in range(schemas.COMPILED_SETS_KEPT + 4):
        folder = root / "many" / f"ext{i}"
        folder.mkdir(parents=True)
        (folder / "extension.json").write_text(json.dumps({
            "name": f"ext{i}", "title": "t", "description": "d", "patches": {
                "project.schema.json": {"properties": {f"field{i}": {"type": "string"}}}}}))
        names.append(f"ext{i}")
    def others():  # as other requests do, in their own threads
        for name in names[1:]:
            key = compile_set("1.1", [name], [root / "many"])
            engine(key), fields(key), load_codelists(key)

    with schemas.schema_sets_in_use():  # as validate() does for its own check
        held = compile_set("1.1", ["ext0"], [root / "many"])
        worker = threading.Thread(target=others)
        worker.start()
        worker.join()
        held_kept = held in schemas.compiled_keys()
        during = len(schemas.compiled_keys())
    kept = schemas.compiled_keys()
    released = set(schemas.version_names())
    cached = {f.__name__: sorted(f.cached_versions() - released)
              for f in (engine, fields, load_codelists, schemas.load_schemas)}
    results["sets"] = {"held_kept": held_kept, "during": during, "kept": kept,
                       "cached": cached}
    print(json.dumps(results))
""")


def test_a_thousand_spellings_and_many_extension_sets_do_not_grow_memory(planted):
    dataset = planted / "dataset.json"
    dataset.write_text(json.dumps(_invalid_dataset()), encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(planted), str(dataset)],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout)
    spellings = found["spellings"]
    # before the fix each spelling compiled and kept a schema set (about 1.65 MB each)
    assert spellings["growth_mb"] < 25, spellings
    assert len(spellings["kept"]) == 1 and spellings["kept"][0].startswith(
        "1.1+welsh-local-authority.")  # however often it is named, one set
    sets = found["sets"]
    from coprod_standard.schemas import COMPILED_SETS_KEPT

    assert sets["held_kept"] and sets["during"] == COMPILED_SETS_KEPT
    assert len(sets["kept"]) == COMPILED_SETS_KEPT
    for name, versions in sets["cached"].items():
        assert set(versions) <= set(sets["kept"]), (name, versions)


# -- combine --fetch against a real, misbehaving server on 127.0.0.1 -------------------------

class Misbehaving:
    """A raw-socket HTTP server that misbehaves on purpose, one way for each path."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.extended_body = b"{}"  # a dataset that names an extension on the analyst's disk
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.hits: list[str] = []
        self.trickled: dict[str, int] = {}
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        try:
            if conn.recv(1, socket.MSG_PEEK) == b"\x16":  # a TLS hello: answer in plain HTTP
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                return
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            path = request.split(b" ")[1].decode("ascii", "replace")
            self.hits.append(path)
            getattr(self, path.strip("/").removesuffix(".json").replace("-", "_"))(conn)
        except (OSError, AttributeError):
            pass
        finally:
            conn.close()

    def good(self, conn):
        conn.sendall(self._head(len(self.body)) + self.body)

    @staticmethod
    def _head(length, extra=b"") -> bytes:
        return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(length).encode() + b"\r\n" + extra + b"\r\n")

    def _trickle(self, conn, name: str, data: bytes) -> None:
        self.trickled[name] = 0
        for byte in data:
            conn.sendall(bytes([byte]))
            self.trickled[name] += 1
            time.sleep(1)

    def trickle_head(self, conn):
        self._trickle(conn, "head", self._head(len(self.body)) + self.body)

    def trickle_body(self, conn):
        conn.sendall(self._head(len(self.body)))
        self._trickle(conn, "body", self.body)

    def extended(self, conn):
        conn.sendall(self._head(len(self.extended_body)) + self.extended_body)

    def bad_status(self, conn):
        conn.sendall(b"HELLO THERE\r\n\r\n")

    def long_header(self, conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n{}")

    def truncated(self, conn):
        conn.sendall(self._head(len(self.body) + 5000) + self.body[:100])

    def reset(self, conn):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST

    def away(self, conn):
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://evil.example/data.json\r\n"
                     b"Content-Length: 0\r\n\r\n")

    def huge(self, conn):
        conn.sendall(self._head(10**12))

    def bad_length(self, conn):  # a length that is not a number: read to the end instead
        body = self.body.replace(b'"title"', b'"title" ', 1)
        conn.sendall(self._head("twelve") + body)

    def gzip_bomb(self, conn):  # never decoded: it stays a few kilobytes of bytes
        body = gzip.compress(b"0" * 20_000_000)
        conn.sendall(self._head(len(body), b"Content-Encoding: gzip\r\n") + body)

    def close(self):
        self.listener.close()


@pytest.fixture
def misbehaving():
    server = Misbehaving((ROOT / "examples" / "minimal.json").read_bytes())
    yield server
    server.close()


def test_one_bad_publisher_never_ends_a_combine_run(misbehaving, tmp_path):
    base = misbehaving.base
    closed = socket.create_server(("127.0.0.1", 0))
    refused_port = closed.getsockname()[1]
    closed.close()
    port = base.rsplit(":", 1)[1]
    expected = {  # the address: words in its recorded reason
        f"{base}/trickle-head.json": "longer than the timeout (2 seconds",
        f"{base}/trickle-body.json": "longer than the timeout (2 seconds",
        f"{base}/bad-status.json": "is not HTTP",
        f"{base}/long-header.json": "longer than HTTP allows",
        f"{base}/truncated.json": "stopped after",
        f"{base}/reset.json": "connection",
        f"{base}/away.json": "not on the allow-list",
        f"{base}/huge.json": "more than the limit",
        f"https://127.0.0.1:{port}/good.json": "secure (TLS) connection failed",
        f"http://127.0.0.1:{refused_port}/good.json": "refused the connection",
        f"{base}/a b.json": "a space",
        f"{base}/good.json\r\nX-Injected: yes": "control character",
        "http://[::1/": "not valid",
        "http://127.0.0.1:99999/good.json": "not valid",
        "http://127.0.0.1:abc/good.json": "not valid",
        "http:///good.json": "no host",
    }
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps({"datasets": [
        {"url": 5}, "just text", {"url": f"{base}/bad-length.json", "publisher": "GB-X"}]}))
    data = _invalid_dataset()
    data["extensions"] = [str(_plant(tmp_path / "outside" / "evil"))]
    misbehaving.extended_body = json.dumps(data).encode()
    listed = tmp_path / "registry.csv"
    listed.write_text(f"publisher,url\nGB-Y,{base}/with space.json\n", encoding="utf-8")
    result = run_coprod("combine", f"{base}/good.json", f"{base}/gzip-bomb.json",
                        f"{base}/extended.json", *expected,
                        "--registry", registry, "--registry", listed, "--fetch",
                        "--allow-host", "127.0.0.1",
                        "--timeout", "2", "--out", tmp_path / "study.duckdb")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    con = duckdb.connect(str(tmp_path / "study.duckdb"), read_only=True)
    rows = {source: (status, reason) for source, status, reason in
            con.execute("SELECT source, status, reason FROM datasets").fetchall()}
    assert rows[f"{base}/good.json"][0] == "valid"
    assert rows[f"{base}/bad-length.json"][0] == "valid"
    assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 2
    assert rows[f"{base}/gzip-bomb.json"][0] == "unreadable"  # fetched, not decoded
    assert rows[f"{base}/extended.json"][0] == "invalid"  # the planted extension not loaded
    assert {"extension-not-found", "unknown-field"} <= {code for (code,) in con.execute(
        "SELECT code FROM issues WHERE source = ?", [f"{base}/extended.json"]).fetchall()}
    for url, words in expected.items():
        status, reason = rows[url]
        assert status == "unavailable" and words in reason, (url, reason)
        assert f"kept out (unavailable): {url.splitlines()[0]}" in result.stdout, url
    status, reason = rows[f"{base}/with space.json"]
    assert status == "unavailable" and reason.endswith(f"(line 2 of {listed})")
    registry_rows = {s: r for s, (st, r) in rows.items() if s.startswith("entry")}
    assert registry_rows == {
        f"entry 1 of {registry}": f"entry 1 of {registry}: the 'url' must be text",
        f"entry 2 of {registry}": f"entry 2 of {registry} is not a table row or JSON "
                                  "object with a 'url' or 'path'"}
    assert "X-Injected" not in "".join(misbehaving.hits)  # the CR/LF never reached a server
    # the tricklers were cut off at the deadline, not held until the run ended
    # (the whole file would take over ten minutes at a byte a second)
    assert misbehaving.trickled["head"] <= 10 and misbehaving.trickled["body"] <= 10


def test_a_malformed_registry_is_reported_with_its_line(tmp_path):
    registry = tmp_path / "registry.csv"
    registry.write_text("url,publisher\nhttps://a.example/x.json,A\n"
                        f"https://b.example/{'y' * 200_000}.json,B\n", encoding="utf-8")
    result = run_coprod("combine", "--registry", registry, "--out", tmp_path / "s.duckdb")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "line 3" in result.stderr
    (tmp_path / "binary.csv").write_bytes(b"url\n\xff\xfe\n")
    result = run_coprod("combine", "--registry", tmp_path / "binary.csv", "--out",
                        tmp_path / "t.duckdb")
    assert result.returncode == 2 and "not UTF-8" in result.stderr
