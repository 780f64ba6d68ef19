"""Benchmark: spreadsheets and CSV files to JSON, with the cell source map, against
flatten-tool on the same data in the same run.

    python benchmarks/tabular.py [--rows 100000] [--repeat 3] [--peers]

Run it with the project's virtual environment (where coprod is installed). With --peers,
flatten-tool is installed into benchmarks/.peers (a separate virtual environment) and
measured too. Each command runs in a fresh process; peak memory is the child process's
maximum resident set size. Results go to benchmarks/results/tabular-<rows>.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import dataset  # noqa: E402
from coprod_standard.bundle import bundled_schema  # noqa: E402
from coprod_standard.writers import write  # noqa: E402

PEERS = HERE / ".peers"
FLATTEN_TOOL = "flattentool==0.28.0"
MEASURE = ("import resource, subprocess, sys, time\n"
           "t = time.perf_counter()\n"
           "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
           "elapsed = time.perf_counter() - t\n"
           "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
           "print(f'{elapsed} {peak} {code}')")
IN_PROCESS = ("import sys, time\n"
              "from coprod_standard.convert import convert\n"
              "t = time.perf_counter()\n"
              "convert(sys.argv[1], sys.argv[2], force=True)\n"
              "print(time.perf_counter() - t)")


def measure(command: list[str], allowed: tuple[int, ...] = (0,)) -> dict:
    """Wall time and peak memory of one command, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                         text=True, check=True).stdout.split()
    seconds, peak, code = float(out[0]), float(out[1]), int(out[2])
    if code not in allowed:
        raise SystemExit(f"{' '.join(command)} failed with exit status {code}")
    return {"seconds": seconds, "peakMB": peak}


def repeat(command: list[str], times: int) -> dict:
    runs = [measure(command) for _ in range(times)]
    return {"seconds": statistics.median(r["seconds"] for r in runs),
            "secondsMin": min(r["seconds"] for r in runs),
            "peakMB": max(r["peakMB"] for r in runs), "runs": len(runs)}


def in_process(source: Path, out: Path, times: int) -> float:
    """Conversion time inside one process (read, source map, JSON written), no start-up."""
    runs = [float(subprocess.run([sys.executable, "-c", IN_PROCESS, str(source), str(out)],
                                 capture_output=True, text=True, check=True).stdout)
            for _ in range(times)]
    return statistics.median(runs)


def peers_ready() -> Path:
    python = PEERS / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", FLATTEN_TOOL], check=True)
    return PEERS / "bin" / "flatten-tool"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peers", action="store_true", help="also measure flatten-tool")
    args = parser.parse_args()
    coprod = str(Path(sys.executable).with_name("coprod"))
    work = Path(tempfile.mkdtemp(prefix="coprod-bench-"))
    data = dataset(args.rows)
    rows = sum(1 for _ in _rows(data))
    (work / "data.json").write_bytes(json.dumps(data).encode())
    write(data, "1.0", "csv", work / "csv")
    write(data, "1.0", "xlsx", work / "data.xlsx")
    results: dict = {"rows": rows, "projects": len(data["projects"]),
                     "machine": {"python": platform.python_version(),
                                 "processor": platform.machine(), "cores": _cores()},
                     "date": time.strftime("%Y-%m-%d"), "ours": {}, "peers": {}}
    for name, source in (("csv", work / "csv"), ("xlsx", work / "data.xlsx")):
        out = work / f"ours-{name}.json"
        cli = repeat([coprod, "convert", str(source), str(out), "--force"], args.repeat)
        cli["conversionSeconds"] = in_process(source, out, args.repeat)
        cli["rowsPerSecond"] = round(rows / cli["conversionSeconds"])
        cli["rowsPerSecondCli"] = round(rows / cli["seconds"])
        results["ours"][name] = cli
        print(f"coprod {name}: {cli}", flush=True)
    if args.peers:
        tool = peers_ready()
        schema = work / "bundled.json"
        schema.write_text(json.dumps(bundled_schema("1.0")))
        common = ["--schema", str(schema), "--root-list-path", "projects"]
        for fmt in ("csv", "xlsx"):
            flat = work / ("ft.xlsx" if fmt == "xlsx" else "ft-csv")
            subprocess.run([str(tool), "flatten", str(work / "data.json"), "-f", fmt, *common,
                            "-o", str(flat)], check=True, capture_output=True)
            for label, extra in (("", []), ("+sourcemap", ["-c", str(work / "cells.json")])):
                command = [str(tool), "unflatten", "-f", fmt, *common, *extra,
                           "-o", str(work / "ft-out.json"), str(flat)]
                run = repeat(command, 1)
                run["rowsPerSecond"] = round(rows / run["seconds"])
                results["peers"][f"flatten-tool {fmt}{label}"] = run
                print(f"flatten-tool {fmt}{label}: {run}", flush=True)
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    target = out_dir / f"tabular-{args.rows}.json"
    target.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {target.relative_to(HERE.parent)}")


def _rows(data: dict):
    from coprod_standard.tabular.flatten import flatten

    for table, rows in flatten(data, "1.0"):
        for row in rows:
            yield table, row


def _cores() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
