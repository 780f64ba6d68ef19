"""Benchmark: scoring and aggregating a million questionnaire responses.

    python benchmarks/responses.py [--responses 1000000] [--repeat 3]

Writes an invented SWEMWBS responses file (half the respondents at baseline, the same
half again at follow-up), then times ``coprod aggregate`` and ``coprod score`` on it, each
in a fresh process, with the child's peak memory. Results go to
benchmarks/results/responses-<n>.json. Target: at most 10 s and 200 MB.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.tabular import measure  # noqa: E402


def write_responses(path: Path, count: int) -> None:
    rng = random.Random(1)
    people = count // 2
    with path.open("w", encoding="utf-8") as out:
        out.write("respondent,instrument,timepoint,date,item1,item2,item3,item4,item5,"
                  "item6,item7,role\n")
        for timepoint, day in (("baseline", "2025-01-15"), ("follow-up", "2025-07-15")):
            for n in range(people):
                items = ",".join(str(rng.randint(1, 5)) for _ in range(7))
                role = "unpaid-carer" if n % 3 else "person-drawing-on-care"
                out.write(f"R{n:07d},swemwbs,{timepoint},{day},{items},{role}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    coprod = str(Path(sys.executable).with_name("coprod"))
    work = Path(tempfile.mkdtemp(prefix="coprod-responses-"))
    source = work / "responses.csv"
    write_responses(source, args.responses)
    results: dict = {"responses": args.responses, "bytes": source.stat().st_size,
                     "machine": {"python": platform.python_version(),
                                 "processor": platform.machine()},
                     "date": time.strftime("%Y-%m-%d"), "commands": {}}
    for name, command in (
            ("aggregate", [coprod, "aggregate", str(source), "--out", str(work / "a.json"),
                           "--force"]),
            ("aggregate --by role", [coprod, "aggregate", str(source), "--by", "role",
                                     "--out", str(work / "b.json"), "--force"]),
            ("score", [coprod, "score", str(source), "--out", str(work / "s.csv"),
                       "--force"])):
        runs = [measure(command, allowed=(0, 1)) for _ in range(args.repeat)]
        results["commands"][name] = {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "secondsMin": min(r["seconds"] for r in runs),
            "peakMB": max(r["peakMB"] for r in runs), "runs": len(runs)}
        print(name, results["commands"][name], flush=True)
    out = HERE / "results" / f"responses-{args.responses}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
