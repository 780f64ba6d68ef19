"""The realistic benchmark corpus (benchmarks/rich_corpus.py) is what benchmarks/rich.py
says it measures: clean projects valid at the publish level with nothing to report, and
broken projects with exactly one mistake each, of the kinds it names. Nothing is timed."""

from __future__ import annotations

import json
from collections import Counter

from benchmarks.rich_corpus import MISTAKES, write
from coprod_standard.validate import validate


def test_the_clean_corpus_has_nothing_to_report(tmp_path):
    path = tmp_path / "clean.json"
    write(path, 6)
    data = json.loads(path.read_text())
    assert len({p["id"] for p in data["projects"]}) == 6
    assert all(len(json.dumps(p)) > 20_000 for p in data["projects"])  # shaped like examples
    report = validate(str(path))
    assert report.valid and report.issues == []


def test_the_broken_corpus_has_one_mistake_in_each_project(tmp_path):
    path = tmp_path / "broken.json"
    write(path, 2 * len(MISTAKES), broken=True)
    report = validate(str(path))
    assert not report.valid
    where = Counter(issue.path.split("/")[2] for issue in report.issues)
    assert where == Counter({str(n): 1 for n in range(2 * len(MISTAKES))})
    assert [i.code for i in report.issues[:len(MISTAKES)]] == [
        "invalid-code", "invalid-date", "unknown-field", "small-number-not-suppressed"]
