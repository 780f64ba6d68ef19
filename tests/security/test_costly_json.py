"""No JSON input costs more than its issues are worth, and no character breaks an output.

1. A file that repeats one cheap mistake hundreds of thousands of times (unknown keys, wrong
   codes, bad dates, duplicate keys; at the top level or in one project; read whole,
   streamed, as JSON Lines or in several processes) lists ``max_issues`` issues and counts
   the rest: only the listed ones are ever put into words, and none past the limit is held.
   Past the limit the fast engine's errors are counted, by the same handlers: the counts
   agree with the reference engine's on the corpus and on mutated records.
2. A JSON Lines line (or a streamed JSON value) longer than ``max_record`` is refused with
   its place, having read no more of it than that; its exact edges are in test_limits.py.
3. A lone surrogate (a \\uD800-\\uDFFF escape without its pair) in an id, a key, a code or
   free text is an issue at its place, read as U+FFFD, and every output stays valid UTF-8:
   the command's text and JSON reports, the Python API, conversion and the web API.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from coprod_standard.issues import IssueType, Listing, Unlisted
from coprod_standard.limits import Limits
from coprod_standard.readers import Record
from coprod_standard.readers.json_reader import records
from coprod_standard.schema_engine import engine
from coprod_standard.validate import validate
from tests.conftest import ROOT
from tests.live_server import multipart, request, serve
from tests.test_engine_differential import INPUTS, _document, _versions, mutated_records

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text(encoding="utf-8"))
STRICT_UTF8 = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}  # as a UTF-8 terminal
MB = 1024 * 1024


def _dataset(projects: int = 1) -> dict:
    data = json.loads(json.dumps(MINIMAL))
    data["projects"] = [dict(data["projects"][0], id=f"GB-CHC-9990001-p{i}")
                        for i in range(projects)]
    return data


def _peak_run(*args: str, ceiling: int | None = None) -> tuple[subprocess.CompletedProcess,
                                                                int]:
    """Run ``coprod ARGS`` in a process of its own; its result and peak memory in bytes (the
    process reports its own, so no other process's peak is mixed in)."""
    code = ("import resource, sys\nfrom coprod_standard.cli import main\ntry:\n    main()\n"
            "finally:\n    from tests.peak import own_peak\n    print('PEAK', own_peak(), "
            "file=sys.stderr)\n")

    def bounded() -> None:
        if ceiling:
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))

    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                            text=True, timeout=300, env=STRICT_UTF8, preexec_fn=bounded,
                            cwd=ROOT)
    peak = int(result.stderr.rsplit("PEAK", 1)[1].split()[0])
    return result, peak


# 1. Issues past the limit are counted, never built -----------------------------------

KEYS = 300_000  # a 4.5 MB file: seconds to check, where every key explained took minutes


def test_hundreds_of_thousands_of_unknown_keys_list_ten_thousand_and_count_the_rest(
        tmp_path):
    data = _dataset()
    data.update({f"k{i:07d}": 1 for i in range(KEYS)})
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(data))
    small = tmp_path / "small.json"
    small.write_text(json.dumps(_dataset()))
    _, baseline = _peak_run("validate", "--format", "json", str(small))
    result, peak = _peak_run("validate", "--format", "json", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-500:]
    [report] = json.loads(result.stdout)["files"]
    listed = [i for i in report["issues"] if i["code"] != "issues-not-listed"]
    assert len(listed) == Limits().max_issues
    unknown = next(s for s in report["summary"] if s["code"] == "unknown-field")
    assert unknown["count"] == KEYS and report["errors"] >= KEYS
    more = int(report["issues"][-1]["message"].split(" more issues")[0].replace(",", ""))
    assert more == sum(s["count"] for s in report["summary"]) - len(report["issues"])
    assert listed[0]["path"] == "/k0000000" and "Did you mean" not in listed[0]["message"]
    # The file held, parsed and counted costs a few hundred bytes a key; an issue held
    # for each key (its message, fix, title and path) cost more than twice that.
    assert peak - baseline < 500 * KEYS, (peak - baseline) / KEYS


def _count_builds(monkeypatch) -> list[str]:
    """The code of every issue put into words (the real make, only counted)."""
    built: list[str] = []
    make = IssueType.make

    def counting(self, **kwargs):
        built.append(self.code)
        return make(self, **kwargs)

    monkeypatch.setattr(IssueType, "make", counting)
    return built


def _repeated(kind: str, count: int) -> tuple[dict | str, str]:
    """A dataset repeating one mistake COUNT times (JSON text for duplicate keys), and the
    code of that mistake."""
    data = _dataset(count if kind == "dates" else 1)
    project = data["projects"][0]
    if kind == "top-level-keys":
        data.update({f"extra{i}": i for i in range(count)})
    elif kind == "keys-in-one-project":
        project.update({f"extra{i}": i for i in range(count)})
    elif kind == "codes":
        project["purposes"] = [f"purpose-{i}" for i in range(count)]
    elif kind == "dates":
        for each in data["projects"]:
            each["startDate"] = "2025-02-30"
    elif kind == "duplicate-keys":
        pairs = ", ".join(f'"twice{i}": 1, "twice{i}": 2' for i in range(count))
        return json.dumps(data)[:-1] + ", " + pairs + "}", "duplicate-key"
    return data, {"codes": "invalid-code", "dates": "invalid-date",
                  "duplicate-keys": "duplicate-key"}.get(kind, "unknown-field")


KINDS = ["top-level-keys", "keys-in-one-project", "codes", "dates", "duplicate-keys"]


@pytest.mark.parametrize("reader", ["whole", "streamed", "json-lines"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_repeated_mistake_is_counted_and_only_the_listed_ones_are_explained(
        tmp_path, monkeypatch, kind, reader):
    count = 150 if kind == "dates" else 2_000
    data, code = _repeated(kind, count)
    if reader == "json-lines":
        if kind == "duplicate-keys":
            pytest.skip("the duplicate keys are on the first line: the same reader as JSON")
        path = tmp_path / "data.jsonl"
        projects = data.pop("projects")
        path.write_text("\n".join(json.dumps(x) for x in [data, *projects]) + "\n")
    else:
        path = tmp_path / "data.json"
        path.write_text(data if isinstance(data, str) else json.dumps(data))
    stream = reader != "whole"
    everything = validate(path, stream=stream, limits=Limits(stream_from=0, max_issues=10**9))
    built = _count_builds(monkeypatch)
    report = validate(path, stream=stream, limits=Limits(stream_from=0, max_issues=100))
    summary = {s.code: s.count for s in report.summary() if s.code != "issues-not-listed"}
    assert summary == {s.code: s.count for s in everything.summary()}
    assert summary[code] == count
    assert [(i.code, i.path) for i in report.issues[:100]] == [
        (i.code, i.path) for i in everything.issues[:100]]
    assert report.issues[100].code == "issues-not-listed" and len(report.issues) == 101
    # Put into words: the listed ones and a few made whole, and at most the limit's worth
    # more of those found while reading (the reader lists them before the report's room
    # is known): bounded by the limit, never by the file.
    assert len(built) <= 2 * 100 + 20, len(built)


def test_several_processes_give_the_report_of_one(tmp_path):
    data, _ = _repeated("dates", 120)
    data["projects"][5].update({f"extra{i}": i for i in range(300)})
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    limits = Limits(stream_from=0, max_issues=200)
    one = validate(path, stream=True, limits=limits, jobs=1)
    two = validate(path, stream=True, limits=limits, jobs=2)
    assert one.to_dict() == two.to_dict()
    assert one.not_listed_count > 0 and len(one.issues) == 201


def _counted_both_ways(version: str, kind: str, data) -> None:
    """Past the limit a record's issues are counted from the fast engine's errors: the
    same codes, as often, as the reference engine's issues listed one by one."""
    record = Record(kind, "" if kind == "dataset" else "/projects/0", data, "the record")
    listed, counted = Listing(None, [], Unlisted()), Listing(0, [], Unlisted())
    engine(version).check(record, listed)
    engine(version).check(record, counted)
    assert Counter(i.code for i in listed.issues) == Counter(
        {code: kept[1] for code, kept in counted.not_listed.items()}), (kind, data)


def test_counting_past_the_limit_agrees_with_listing_on_the_corpus():
    checked = 0
    for doc in filter(None, map(_document, INPUTS)):
        for version in _versions(doc):
            for record in records(doc) if isinstance(doc, dict) else ():
                _counted_both_ways(version, record.kind, record.data)
                checked += 1
    assert checked >= 400


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_records())
def test_counting_past_the_limit_agrees_with_listing_on_mutated_records(case):
    _counted_both_ways(*case)


# 2. A line longer than the limit is refused without being held -------------------------

def test_a_line_of_hundreds_of_megabytes_is_refused_in_bounded_memory(tmp_path):
    details = {k: v for k, v in MINIMAL.items() if k != "projects"}
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(details) + "\n")
    os.truncate(path, 300 * MB)  # line 2: 300 MB (of NUL bytes, a sparse file)
    result, _ = _peak_run("validate", "--format", "json", str(path), ceiling=600 * MB)
    assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr[-500:]
    [issue] = json.loads(result.stdout)["files"][0]["issues"]
    assert issue["code"] == "record-too-long" and issue["location"]["line"] == 2
    assert issue["message"].startswith("Line 2 is longer than 100.0 MB")


def test_one_huge_project_in_a_streamed_file_is_refused_at_the_limit(tmp_path):
    data = _dataset(3)
    data["projects"][1]["description"] = "x" * (3 * MB)
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data))
    report = validate(path, stream=True, limits=Limits(stream_from=0, max_record=2 * MB,
                                                      max_string=4 * MB))
    [issue] = report.issues
    assert issue.code == "record-too-long" and issue.location.line == 1
    assert "The part of the file that starts at line 1, column" in issue.message


# 3. Lone surrogates ------------------------------------------------------------------

PLACES = {"/projects/0/id": "an id", "/projects/0/k\ufffdy": "a key",
          "/projects/0/status": "a code", "/projects/0/description": "free text"}


def _with_surrogates() -> dict:
    data = _dataset()
    project = data["projects"][0]
    project["id"] += "\udcff"
    project["status"] = "act\ud800ive"
    project["description"] = "Ends with half an emoji \ud83d"
    project["k\udc00y"] = 1
    return data


def _surrogate_text() -> str:
    text = json.dumps(_with_surrogates())  # escapes, as a broken program writes them
    assert "\\udcff" in text and "\\ud83d" in text
    return text.replace("\\udcff", "\\uDCFF")  # hex digits in either case


def _unpaired_paths(issues) -> set[str]:
    return {i["path"] if isinstance(i, dict) else i.path for i in issues
            if (i["code"] if isinstance(i, dict) else i.code) == "unpaired-surrogate"}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_command_reports_lone_surrogates_in_valid_utf8(tmp_path, fmt):
    path = tmp_path / "broken.json"
    path.write_text(_surrogate_text())
    result = subprocess.run([sys.executable, "-m", "coprod_standard", "validate", "--format",
                             fmt, str(path)], capture_output=True, env=STRICT_UTF8,
                            timeout=120)
    assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr
    out = result.stdout.decode("utf-8")  # strict: no lone surrogate ever written
    if fmt == "json":
        assert _unpaired_paths(json.loads(out)["files"][0]["issues"]) == set(PLACES)
    else:
        assert "[unpaired-surrogate]: 4 times" in out and "\\udcff" in out


@pytest.mark.parametrize("reader", ["whole", "streamed", "json-lines"])
def test_each_reader_mends_and_places_them(tmp_path, reader):
    if reader == "json-lines":
        data = json.loads(_surrogate_text())
        projects = data.pop("projects")
        path = tmp_path / "broken.jsonl"
        path.write_text("\n".join(json.dumps(x) for x in [data, *projects]))
    else:
        path = tmp_path / "broken.json"
        path.write_text(_surrogate_text())
    report = validate(path, stream=reader != "whole", limits=Limits(stream_from=0))
    assert _unpaired_paths(report.issues) == set(PLACES)
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")  # strict
    assert report.records[1].startswith("project 1 (GB-CHC-9990001-p0\ufffd)")


def test_the_python_api_reports_them_and_leaves_the_callers_data_alone():
    data = _with_surrogates()
    report = validate(data)
    assert _unpaired_paths(report.issues) == set(PLACES)
    assert data["projects"][0]["id"].endswith("\udcff")  # the caller's own, unchanged
    [description] = [i for i in report.issues if i.path == "/projects/0/description"
                     and i.code == "unpaired-surrogate"]
    assert "\\ud83d" in description.message and "half an emoji" not in description.message


@pytest.mark.parametrize("target", ["out.json", "out.xlsx", "tables"])
def test_conversion_writes_valid_unicode(tmp_path, target):
    source = tmp_path / "broken.json"
    source.write_text(_surrogate_text())
    result = subprocess.run([sys.executable, "-m", "coprod_standard", "convert", str(source),
                             str(tmp_path / target)], capture_output=True, env=STRICT_UTF8,
                            timeout=120)
    assert result.returncode in (0, 1) and b"Traceback" not in result.stderr, result.stderr
    result.stdout.decode("utf-8")
    back = validate(tmp_path / target)
    assert back.records[1] == "project 1 (GB-CHC-9990001-p0\ufffd)"
    assert "\ufffd" in json.dumps(back.data, ensure_ascii=False)


def test_names_descriptors_and_responses_with_broken_text_are_read(tmp_path):
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/\xff.json"))  # a name that is not UTF-8
    odd.write_text(json.dumps(_dataset()))
    package = tmp_path / "package"
    subprocess.run([sys.executable, "-m", "coprod_standard", "convert", str(odd),
                    str(package / "datapackage.json")], check=True, timeout=120,
                   capture_output=True)
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["title"] = "t\udcff"
    descriptor["resources"].append({"name": "more", "path": "more\ud800.csv"})
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    responses = tmp_path / "responses.json"
    responses.write_text(json.dumps([{"respondent": "R\udcff", "instrument": "swemwbs",
                                      "timepoint": "baseline\ud800", "date": "2025-01-01"}]))
    for args in (["validate", str(odd)], ["validate", str(package)],
                 ["score", str(responses)]):
        result = subprocess.run([sys.executable, "-m", "coprod_standard", *args],
                                capture_output=True, env=STRICT_UTF8, timeout=120)
        assert result.returncode in (0, 1) and b"Traceback" not in result.stderr, (
            args, result.stderr)
        result.stdout.decode("utf-8")


def test_the_web_api_answers_200_with_the_issue(tmp_path):
    from coprod_standard.web.config import WebConfig

    body = _surrogate_text().encode()
    with serve(WebConfig(work_dir=tmp_path / "work")) as base:
        answer = request(f"{base}/api/validate?name=%ED%B3%BF%FF.json", body,
                         {"Content-Type": "application/json"})
        assert answer.status == 200, answer.body[:300]
        [report] = answer.json()["files"]
        assert _unpaired_paths(report["issues"]) == set(PLACES)
        form, headers = multipart({"json": _surrogate_text()})
        pasted = request(f"{base}/api/validate", form, headers)
        assert pasted.status == 200 and _unpaired_paths(
            pasted.json()["files"][0]["issues"]) == set(PLACES)
        page = request(f"{base}/check", *multipart({}, ("broken.json", body)))
        assert page.status == 200 and "unpaired-surrogate" in page.text


def test_a_file_name_that_is_not_valid_text_is_shown_escaped(tmp_path):
    """A file name of bytes that are not UTF-8 (possible on Linux) on a strict UTF-8
    terminal: shown as valid text (escaped, or a replacement character), never an internal
    error."""
    folder = os.fsencode(tmp_path)
    source, target = folder + b"/\xff\xfe.json", folder + b"/\xff\xfe.xlsx"
    with open(source, "wb") as stream:
        stream.write((ROOT / "examples" / "minimal.json").read_bytes())
    for args in (["validate", source], ["convert", source, target], ["validate", target]):
        done = subprocess.run([sys.executable, "-m", "coprod_standard", *args], cwd=ROOT,
                              capture_output=True, env={**os.environ,
                                                        "PYTHONIOENCODING": "utf-8"})
        assert done.returncode == 0, done.stderr
        assert b"Sorry" not in done.stderr and done.stdout.decode("utf-8")
        assert "\\udcff\\udcfe" in done.stdout.decode() or "\ufffd" in done.stdout.decode()
