"""Benchmark: where the checks beyond the schema spend their time, check by check.

    python benchmarks/checks.py [--synthetic 2000] [--rich 300] [--repeat 3]

On two corpora, in one process (the checks' own cost, without Python's start-up or a
second process): the synthetic projects of benchmarks/validate.py (about 4.4 KB each,
valid with nothing to report) and the realistic ones of benchmarks/rich_corpus.py (about
27 KB each, clean). For each, ``validate`` is timed at the schema level and at the publish
level (processor time, the best of --repeat, one process); the difference, per project,
is what the checks cost. One more publish run with every check timed
(``checks.measured``) shares that cost out among them. What several checks share (a
record's walk of its texts, its reports) falls to the first that asks for it; the walk
is also timed on its own. From the synthetic figure: what one million records (66,666
projects) would cost, and how much cheaper the checks must be for the 10-second target.

Results go to benchmarks/results/checks.json; benchmarks/RESULTS.md is rewritten between
its checks markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

RESULTS = HERE / "results"
START, END = "<!-- checks:start -->", "<!-- checks:end -->"
MILLION_PROJECTS = 66_666  # benchmarks/validate.py's one million records
TARGET_SECONDS, CORES = 10.0, 2
SHOWN = 15  # checks listed by name; the rest are summed


def _corpus(kind: str, projects: int, folder: Path) -> Path:
    path = folder / f"{kind}.json"
    if kind == "rich":
        from benchmarks.rich_corpus import write
        write(path, projects)
    else:
        from benchmarks.synthetic import VALID_ROWS_PER_PROJECT, valid_dataset
        path.write_text(json.dumps(valid_dataset(projects * VALID_ROWS_PER_PROJECT)))
    return path


def _cpu(path: Path, level: str) -> tuple[float, object]:
    from coprod_standard.validate import validate

    start = time.process_time()
    report = validate(path, stream=True, level=level)
    return time.process_time() - start, report


def _walk_seconds(path: Path) -> float:
    """The shared walk of each record's texts (``RecordText``), on its own."""
    from coprod_standard.checks.record_text import RecordText

    projects = json.loads(path.read_text())["projects"]
    start = time.process_time()
    for project in projects:
        RecordText(project)
    return time.process_time() - start


def measure(kind: str, projects: int, repeat: int, folder: Path) -> dict:
    from coprod_standard.checks import measured

    path = _corpus(kind, projects, folder)
    _, report = _cpu(path, "publish")  # warm: schemas compiled, codelists read
    if report.errors or report.warnings:
        raise SystemExit(f"the {kind} corpus is not clean: {report.errors} errors")
    n = len(json.loads(path.read_text())["projects"])
    best = {level: min(_cpu(path, level)[0] for _ in range(repeat))
            for level in ("schema", "publish")}
    spent: dict[str, float] = {}
    with measured(spent):
        _cpu(path, "publish")
    checks_us = max(0.0, best["publish"] - best["schema"]) / n * 1e6
    whole = sum(spent.values()) or 1.0
    shares = sorted(((seconds / whole, code) for code, seconds in spent.items()),
                    reverse=True)
    return {"projects": n, "bytesPerProject": round(path.stat().st_size / n),
            "schemaMicroseconds": round(best["schema"] / n * 1e6, 1),
            "publishMicroseconds": round(best["publish"] / n * 1e6, 1),
            "checksMicroseconds": round(checks_us, 1),
            "walkMicroseconds": round(_walk_seconds(path) / n * 1e6, 1),
            "checksRun": len(spent),
            "byCheck": [{"code": code, "share": round(share, 4),
                         "microseconds": round(share * checks_us, 1)}
                        for share, code in shares]}


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()


def million(result: dict) -> dict:
    """What the synthetic figures say of one million records on two cores."""
    synthetic = result["corpora"]["synthetic"]
    schema_s = synthetic["schemaMicroseconds"] * MILLION_PROJECTS / 1e6
    checks_s = synthetic["checksMicroseconds"] * MILLION_PROJECTS / 1e6
    room = max(0.0, TARGET_SECONDS * CORES - schema_s)  # processor time left for checks
    return {"schemaSeconds": round(schema_s, 1), "checksSeconds": round(checks_s, 1),
            "wallSecondsOnTwoCores": round((schema_s + checks_s) / CORES, 1),
            "checksMicrosecondsAllowed": round(room / MILLION_PROJECTS * 1e6, 1),
            "cheaperBy": round(checks_s / room, 2) if room else None}


def section(result: dict) -> str:
    more = million(result)
    lines = ["## Where the checks' time goes", "",
             "Written by `benchmarks/checks.py` from `benchmarks/results/checks.json`; rerun "
             "it rather than editing this section. In one process, processor time: the "
             "publish level less the schema level is what the checks beyond the schema "
             "cost; one more run with every check timed shares that out. What checks "
             "share (a record's walk of its texts, its reports) is counted to the first "
             "that asks for it: the privacy checks' walk falls to nhs-number.", "",
             f"Commit {result['commit']}, {result['date']}; {result['machine']}; load "
             f"{result['loadAverage'][0]:.1f} at the start.", ""]
    for kind, title in (("synthetic", "Synthetic projects (benchmarks/validate.py's)"),
                        ("rich", "Realistic projects (benchmarks/rich_corpus.py's)")):
        c = result["corpora"][kind]
        lines += [f"### {title}: {c['projects']:,} projects, about "
                  f"{c['bytesPerProject'] / 1000:.1f} KB each", "",
                  f"Per project: schema level {c['schemaMicroseconds']:,.0f} µs, publish "
                  f"level {c['publishMicroseconds']:,.0f} µs, so the checks "
                  f"{c['checksMicroseconds']:,.0f} µs ({c['checksRun']} checks); the "
                  f"privacy checks' shared walk of the record alone "
                  f"{c['walkMicroseconds']:,.0f} µs.", "",
                  "| Check | Share of the checks' time | µs a project |", "|---|---|---|"]
        for row in c["byCheck"][:SHOWN]:
            lines.append(f"| {row['code']} | {row['share']:.1%} | {row['microseconds']:,.0f} |")
        rest = c["byCheck"][SHOWN:]
        lines += [f"| the other {len(rest)} | {sum(r['share'] for r in rest):.1%} | "
                  f"{sum(r['microseconds'] for r in rest):,.0f} |", ""]
    lines += [
        "### What the 10-second target for one million records needs", "",
        f"- At {MILLION_PROJECTS:,} synthetic projects, the schema level would take "
        f"{more['schemaSeconds']:.1f} s of processor time and the checks "
        f"{more['checksSeconds']:.1f} s: about {more['wallSecondsOnTwoCores']:.1f} s on "
        f"{CORES} cores if the work shared out perfectly, before reading twice (each "
        "worker reads the whole file) and merging.",
        f"- For {TARGET_SECONDS:.0f} s the checks could cost at most "
        f"{more['checksMicrosecondsAllowed']:,.0f} µs a project: "
        + (f"{more['cheaperBy']:.1f} times cheaper than now." if more["cheaperBy"]
           else "the schema level alone uses the time.") +
        " No one check is the cost: it is spread over a hundred small Python functions, "
        "each walking the parts of the project it reads. What would be needed is one "
        "pass over each project that gathers what every check reads (its numbers, codes, "
        "dates and texts, by kind) for the checks to work on, or the checks compiled "
        "(written in Rust beside jsonschema-rs, whose schema level already costs a few "
        "hundred microseconds a project); trimming single checks, as done for the "
        "privacy screens, gains a few per cent each.",
        *([f"- The schema level alone, reading included, takes {more['schemaSeconds']:.1f} s "
           f"of the {TARGET_SECONDS * CORES:.0f} s of processor time {CORES} cores give in "
           f"{TARGET_SECONDS:.0f} s on this machine, so reading and handing each project to "
           "jsonschema-rs must get cheaper too (a decoder faster than Python's that still "
           "reports duplicate keys and the line of a mistake)."]
          if more["schemaSeconds"] > TARGET_SECONDS * CORES / 2 else []), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=2000, help="synthetic projects")
    parser.add_argument("--rich", type=int, default=300, help="realistic projects")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    result = {"commit": _commit(), "date": datetime.now().isoformat(timespec="seconds"),
              "machine": f"{os.cpu_count()} cores, {platform.platform()}, Python "
                         f"{platform.python_version()}",
              "loadAverage": list(os.getloadavg()), "corpora": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, count in (("synthetic", args.synthetic), ("rich", args.rich)):
            result["corpora"][kind] = measure(kind, count, args.repeat, Path(tmp))
            print(kind, {k: v for k, v in result["corpora"][kind].items()
                         if k != "byCheck"}, flush=True)
    result["loadAverage"] += list(os.getloadavg())
    result["million"] = million(result)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "checks.json").write_text(json.dumps(result, indent=2) + "\n")
    rewrite_section(START, END, section(result))
    print(json.dumps(result["million"]))


if __name__ == "__main__":
    main()
