"""Benchmark: the free-text privacy detector (coprod_standard/checks/free_text.py) on
labelled, invented sentences, and what it costs validation.

    python benchmarks/free_text.py [--repeat 5] [--records 10000] [--before REF]

Quality: each sentence of tests/fixtures/free-text/labelled.csv (the development set, 271
sentences written with the rules) and held-out.csv (80 sentences written after the rules
were set, never tuned on) has the labels it should get: name (a person's name), quote (a
quote attributed to a person), health (a health or offence detail about a named or
singled-out person), or none. The detector's labels are compared with them: per label the
true and false positives and the misses, precision and recall; overall (all labels
pooled); and per sentence, whether anything was flagged at all. The mistakes are listed.
A name with a title (Mrs Patel) counts as a name: possible-person-name finds those.

Speed: the detector run over every sentence of both sets, again and again, in this
process: the median time per 1,000 texts over --repeat rounds.

Cost to validation: ``coprod validate`` (publish level, every check, a fresh process each
time, the median of --repeat) on the benchmarks' invented dataset of --records records
(benchmarks/synthetic.py, as benchmarks/validate.py makes it), and on the same dataset
with its free text (descriptions, evaluation and reporting texts) taken from the labelled
sentences, so that every record holds names, quotes and health details to look through.
With --before REF the same files are checked by the code of git revision REF too. The
runs are taken in turn; wall time, processor time (user and system, which other work on a
shared machine moves less) and peak memory are recorded.

Results go to benchmarks/results/free-text.json; benchmarks/RESULTS.md is rewritten
between its free-text markers.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results_md import rewrite_section  # noqa: E402
from benchmarks.synthetic import VALID_ROWS_PER_PROJECT, valid_dataset  # noqa: E402
from coprod_standard.checks import free_text  # noqa: E402
from coprod_standard.checks.personal_patterns import honorific_names  # noqa: E402

SETS = {"development": ROOT / "tests" / "fixtures" / "free-text" / "labelled.csv",
        "held-out": ROOT / "tests" / "fixtures" / "free-text" / "held-out.csv"}
LABELS = ("name", "quote", "health")
RESULT = HERE / "results" / "free-text.json"
RESULTS_MD = HERE / "RESULTS.md"
START, END = "<!-- free-text:start -->", "<!-- free-text:end -->"


def read_set(path: Path) -> list[tuple[str, set[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["text"], set(row["labels"].split(";")) - {"none"})
                for row in csv.DictReader(f)]


def detect(text: str) -> set[str]:
    found = free_text.labels(text)
    if honorific_names(text):
        found.add("name")
    return found


def _rates(tp: int, fp: int, fn: int) -> dict:
    return {"truePositives": tp, "falsePositives": fp, "missed": fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None}


def score(rows: list[tuple[str, set[str]]]) -> dict:
    """Precision and recall per label, pooled, and per sentence; and the mistakes."""
    counts = {label: [0, 0, 0] for label in LABELS}
    flagged = [0, 0, 0]
    mistakes = []
    for text, want in rows:
        got = detect(text)
        for label in LABELS:
            hit = (label in got, label in want)
            if hit != (False, False):
                counts[label][{(True, True): 0, (True, False): 1, (False, True): 2}[hit]] += 1
        hit = (bool(got), bool(want))
        if hit != (False, False):
            flagged[{(True, True): 0, (True, False): 1, (False, True): 2}[hit]] += 1
        if got != want:
            mistakes.append({"text": text, "labels": sorted(want) or ["none"],
                             "detected": sorted(got) or ["none"]})
    pooled = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {"sentences": len(rows),
            "withLabel": {label: sum(label in want for _, want in rows) for label in LABELS},
            "none": sum(not want for _, want in rows),
            "labels": {label: _rates(*counts[label]) for label in LABELS},
            "overall": _rates(*pooled), "anyFlag": _rates(*flagged), "mistakes": mistakes}


def quality() -> dict:
    return {name: score(read_set(path)) for name, path in SETS.items()}


def speed(repeat: int) -> dict:
    texts = [text for path in SETS.values() for text, _ in read_set(path)]
    rounds = []
    for _ in range(repeat):
        started = time.perf_counter()
        for text in itertools.islice(itertools.cycle(texts), 10_000):
            detect(text)
        rounds.append((time.perf_counter() - started) / 10)
    return {"texts": 10_000, "rounds": repeat,
            "secondsPer1000Texts": round(statistics.median(rounds), 4),
            "meanTextCharacters": round(statistics.mean(len(t) for t in texts), 1)}


def text_heavy(records: int) -> dict:
    """The invented dataset with every free text taken from the labelled sentences."""
    data = valid_dataset(records)
    sentences = itertools.cycle(text for text, _ in read_set(SETS["development"]))
    for project in data["projects"]:
        project["description"] = " ".join(next(sentences) for _ in range(3))
        for group in project["participantGroups"]:
            group["description"] = next(sentences)
        project["evaluation"]["description"] = next(sentences)
        for key in project["reporting"]:
            project["reporting"][key] = next(sentences)
    return data


# wall time, processor time (user and system: less moved by other work on the machine)
# and peak memory of one command in a fresh process
MEASURE = ("import resource, subprocess, sys, time\n"
           "t = time.perf_counter()\n"
           "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
           "elapsed = time.perf_counter() - t\n"
           "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "print(elapsed, use.ru_utime + use.ru_stime, use.ru_maxrss / 1024, code)")


def measure(command: list[str], where: Path) -> dict:
    """One run, started in the folder WHERE (``python -m`` puts the folder it starts in
    first on the path: in the repository it would run the working copy whatever
    PYTHONPATH says, and --before would measure this code twice)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                         text=True, check=True, cwd=where).stdout.split()
    if int(out[3]) != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit status {out[3]}")
    return {"seconds": float(out[0]), "cpuSeconds": float(out[1]), "peakMB": float(out[2])}


def _checkout(ref: str, folder: Path) -> Path:
    folder.mkdir()
    archive = subprocess.run(["git", "archive", ref, "coprod_standard", "schemas"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def validation(records: int, repeat: int, before: str | None) -> dict:
    out: dict = {"records": 0, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = {"invented dataset": work / "plain.json", "its free text from the labelled "
                 "sentences": work / "text-heavy.json"}
        plain = valid_dataset(records)
        out["records"] = 1 + len(plain["projects"]) * VALID_ROWS_PER_PROJECT
        out["projects"] = len(plain["projects"])
        files["invented dataset"].write_text(json.dumps(plain))
        files["its free text from the labelled sentences"].write_text(
            json.dumps(text_heavy(records)))
        codes = {"this code": ROOT}
        if before:
            codes[f"before ({before})"] = _checkout(before, work / "before")
        out["loadAverage"] = {"start": os.getloadavg()[0]}
        runs: dict[str, list[dict]] = {}
        for _ in range(repeat):  # taken in turn, so that a change in load falls on each
            for (label, path), (code, where) in itertools.product(files.items(),
                                                                  codes.items()):
                command = ["env", f"PYTHONPATH={where}", sys.executable, "-m",
                           "coprod_standard", "validate", "--format", "json", str(path)]
                runs.setdefault(f"{label}, {code}", []).append(measure(command, work))
        out["loadAverage"]["end"] = os.getloadavg()[0]
        for name, taken in runs.items():
            out["runs"][name] = {
                "seconds": round(statistics.median(r["seconds"] for r in taken), 3),
                "secondsMin": round(min(r["seconds"] for r in taken), 3),
                "cpuSeconds": round(statistics.median(r["cpuSeconds"] for r in taken), 3),
                "peakMB": round(max(r["peakMB"] for r in taken)), "runs": repeat}
        report = subprocess.run([sys.executable, "-m", "coprod_standard", "validate",
                                 "--format", "json", str(files["invented dataset"])],
                                capture_output=True, text=True, cwd=ROOT)
        issues = json.loads(report.stdout)["files"][0]["issues"]
        out["plainDatasetFreeTextWarnings"] = sum(
            i["code"] in ("possible-name-in-text", "attributed-quote",
                          "health-detail-about-person") for i in issues)
    return out


def section(result: dict) -> str:
    lines = ["## Free text: names, attributed quotes and health details", "",
             "Written by `benchmarks/free_text.py` into `benchmarks/results/free-text.json`; "
             "rerun it rather than editing this section.", "",
             f"- **Date**: {result['date']}; **code**: commit {result['commit']}; "
             f"Python {result['python']}.",
             "- **Detector**: rules over a bundled given-name list (US 1990 census first names, "
             "public domain, and given names common in the UK); no model. See "
             "[docs/privacy.md](../docs/privacy.md) for why.", ""]
    for name, scored in result["quality"].items():
        lines += [f"### {name.capitalize()} set ({scored['sentences']} sentences, "
                  f"{scored['none']} with nothing to find)", "",
                  "| Label | Sentences | Found | False alarms | Missed | Precision | Recall |",
                  "|---|---|---|---|---|---|---|"]
        rows = [(label, scored["withLabel"][label], scored["labels"][label])
                for label in LABELS]
        rows += [("all labels pooled", sum(scored["withLabel"].values()), scored["overall"]),
                 ("anything flagged (per sentence)", scored["sentences"] - scored["none"],
                  scored["anyFlag"])]
        for label, count, r in rows:
            lines.append(f"| {label} | {count} | {r['truePositives']} | "
                         f"{r['falsePositives']} | {r['missed']} | {r['precision']} | "
                         f"{r['recall']} |")
        lines.append("")
        if scored["mistakes"]:
            lines.append("Mistakes (labels wanted, then found):")
            lines.append("")
            lines += [f"- \"{m['text']}\": {', '.join(m['labels'])}; found "
                      f"{', '.join(m['detected'])}" for m in scored["mistakes"]]
            lines.append("")
    fast = result["speed"]
    lines += [f"**Speed**: {fast['secondsPer1000Texts'] * 1000:.1f} ms per 1,000 texts "
              f"(median of {fast['rounds']} rounds of {fast['texts']:,} texts, "
              f"{fast['meanTextCharacters']:.0f} characters on average, one core).", ""]
    cost = result.get("validation")
    if cost:
        lines += [f"**Cost to validation** ({cost['records']:,} records, {cost['projects']:,} "
                  "projects; `coprod validate`, publish level, fresh processes, median):", "",
                  "| File and code | Wall time (median) | Fastest | Processor time (median) "
                  "| Peak MB | Runs |", "|---|---|---|---|---|---|"]
        lines += [f"| {name} | {r['seconds']:.2f} s | {r['secondsMin']:.2f} s | "
                  f"{r['cpuSeconds']:.2f} s | {r['peakMB']} | {r['runs']} |"
                  for name, r in cost["runs"].items()]
        load = cost["loadAverage"]
        lines += ["", f"The invented dataset gets {cost['plainDatasetFreeTextWarnings']} "
                  "free-text warnings. The machine is shared: its load average was "
                  f"{load['start']:.1f} at the start and {load['end']:.1f} at the end, so "
                  "compare the rows with one another (their runs were taken in turn), not "
                  "with other sections.", ""]
    return "\n".join(lines)


def write_results_md(result: dict) -> None:
    rewrite_section(START, END, section(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--before", help="a git revision to measure validation against")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    import platform
    result = {"date": datetime.now().isoformat(timespec="seconds"), "commit": commit,
              "python": platform.python_version(), "quality": quality(),
              "speed": speed(args.repeat)}
    if args.records:
        result["validation"] = validation(args.records, args.repeat, args.before)
    RESULT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    write_results_md(result)
    print(section(result))


if __name__ == "__main__":
    main()
