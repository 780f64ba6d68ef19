"""Benchmark: spreadsheets and CSV files to JSON, with the cell source map, against
flatten-tool on the same data in the same run.

    python benchmarks/tabular.py [--rows 100000] [--repeat 3] [--peers] [--ods]

Run it with the project's virtual environment (where coprod is installed). With --peers,
flatten-tool is installed into benchmarks/.peers (a separate virtual environment) and
measured too; with --ods, the same data as an OpenDocument spreadsheet is measured too.
Each command runs in a fresh process; peak memory is the child process's maximum resident
set size. The conversion is also timed inside a fresh process by stage (``stages``: the
scan of the workbook's XML, calamine's grids, rows to Python values, the dataset with its
source map, the JSON written, and the checks ``coprod convert`` then runs), with the
process's peak memory after writing (VmHWM). Results go to
benchmarks/results/tabular-<rows>.json.
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
STAGES = ("scan", "grid", "rowsToPython", "unflatten", "otherReading", "write")


def measure(command: list[str], allowed: tuple[int, ...] = (0,)) -> dict:
    """Wall time and peak memory of one command, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                         text=True, check=True).stdout.split()
    seconds, peak, code = float(out[0]), float(out[1]), int(out[2])
    if code not in allowed:
        raise SystemExit(f"{' '.join(command)} failed with exit status {code}")
    return {"seconds": seconds, "peakMB": peak}


def repeat(command: list[str], times: int, allowed: tuple[int, ...] = (0,)) -> dict:
    runs = [measure(command, allowed) for _ in range(times)]
    return {"seconds": statistics.median(r["seconds"] for r in runs),
            "secondsMin": min(r["seconds"] for r in runs),
            "peakMB": max(r["peakMB"] for r in runs), "runs": len(runs)}


def in_process(source: Path, out: Path, times: int) -> dict:
    """Conversion inside fresh processes (read, source map, JSON written; no start-up),
    the median of each stage (``stages``) and the largest peak."""
    runs = [json.loads(subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--stages", str(source), str(out)],
        capture_output=True, text=True, check=True).stdout) for _ in range(times)]
    return {"conversionSeconds": statistics.median(r["conversionSeconds"] for r in runs),
            "conversionPeakMB": max(r["conversionPeakMB"] for r in runs),
            "checkSeconds": statistics.median(r["checkSeconds"] for r in runs),
            "stages": {k: statistics.median(r["stages"][k] for r in runs)
                       for k in runs[0]["stages"]}}


def _timed(owner, name: str, spent: dict, stage: str) -> None:
    """OWNER.NAME, wrapped to add its time to SPENT[STAGE]; a generator's time is taken
    row by row, as it is consumed."""
    original = getattr(owner, name)

    def rows(stream):
        while True:
            t = time.perf_counter()
            try:
                row = next(stream)
            except StopIteration:
                spent[stage] += time.perf_counter() - t
                return
            spent[stage] += time.perf_counter() - t
            yield row

    def wrapped(*args, **kwargs):
        t = time.perf_counter()
        found = original(*args, **kwargs)
        spent[stage] += time.perf_counter() - t
        return rows(iter(found)) if stage == "rowsToPython" else found

    setattr(owner, name, wrapped)


def stages(source: str, out: str) -> dict:
    """One conversion in this process, timed by stage: what ``--stages`` prints."""
    from coprod_standard.limits import Limits
    from coprod_standard.readers import read, tabular_reader
    from coprod_standard.tabular import fast_workbook, ods
    from coprod_standard.validate import validate

    spent = dict.fromkeys(STAGES, 0.0)
    _timed(fast_workbook, "scan", spent, "scan")
    _timed(fast_workbook._Grids, "_read", spent, "grid")  # calamine builds a sheet's grid
    _timed(ods, "ods_tables", spent, "grid")  # content.xml parsed into rows of values
    _timed(fast_workbook, "_grid_rows", spent, "rowsToPython")
    _timed(tabular_reader, "assemble", spent, "unflatten")
    t = time.perf_counter()
    result = read(source, Limits())
    spent["otherReading"] = time.perf_counter() - t - spent["scan"] - spent["unflatten"]
    for inside in ("grid", "rowsToPython"):  # calamine reads a sheet when it is assembled
        spent["unflatten" if Path(source).suffix == ".xlsx" else "otherReading"] -= \
            spent[inside]
    t = time.perf_counter()
    write(result.data, result.data.get("version"), "json", out, force=True)
    spent["write"] = time.perf_counter() - t
    spent = dict(spent)  # the checks below read the source again: not counted here
    conversion = sum(spent.values())
    peak = _peak_mb()
    t = time.perf_counter()
    validate(source, limits=Limits(), level="publish")
    return {"conversionSeconds": conversion, "conversionPeakMB": peak,
            "checkSeconds": time.perf_counter() - t, "stages": spent}


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB; 0 where there is no /proc."""
    try:
        with open("/proc/self/status") as status:
            line = next(x for x in status if x.startswith("VmHWM"))
    except (OSError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024


def profile_lines(name: str, run: dict) -> list[str]:
    """The stages of one conversion, slowest first, as printed."""
    total = run["conversionSeconds"]
    lines = [f"  {name}: {total:.2f} s converting ({run['conversionPeakMB']:.0f} MB peak), "
             f"then {run['checkSeconds']:.2f} s checking (coprod convert checks too)"]
    for stage, seconds in sorted(run["stages"].items(), key=lambda kv: -kv[1]):
        lines.append(f"    {stage:<13} {seconds:6.2f} s  {100 * seconds / total:4.0f}%")
    return lines


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
    parser.add_argument("--ods", action="store_true", help="also measure an .ods file")
    parser.add_argument("--stages", nargs=2, metavar=("SOURCE", "OUT"),
                        help=argparse.SUPPRESS)  # one timed conversion, in this process
    args = parser.parse_args()
    if args.stages:
        print(json.dumps(stages(*args.stages)))
        return
    coprod = str(Path(sys.executable).with_name("coprod"))
    work = Path(tempfile.mkdtemp(prefix="coprod-bench-"))
    data = dataset(args.rows)
    rows = sum(1 for _ in _rows(data))
    (work / "data.json").write_bytes(json.dumps(data).encode())
    write(data, "1.0", "csv", work / "csv")
    write(data, "1.0", "xlsx", work / "data.xlsx")
    inputs = [("csv", work / "csv"), ("xlsx", work / "data.xlsx")]
    if args.ods:
        write(data, "1.0", "ods", work / "data.ods")
        inputs.append(("ods", work / "data.ods"))
    results: dict = {"rows": rows, "projects": len(data["projects"]),
                     "machine": {"python": platform.python_version(),
                                 "processor": platform.machine(), "cores": _cores()},
                     "date": time.strftime("%Y-%m-%d"), "commit": _commit(), "ours": {},
                     "peers": {}}
    for name, source in inputs:
        out = work / f"ours-{name}.json"
        # exit status 1: converted, and the invented data is not valid at the publish level
        cli = repeat([coprod, "convert", str(source), str(out), "--force"], args.repeat,
                     allowed=(0, 1))
        cli.update(in_process(source, out, args.repeat))
        cli["rowsPerSecond"] = round(rows / cli["conversionSeconds"])
        cli["rowsPerSecondCli"] = round(rows / cli["seconds"])
        results["ours"][name] = cli
        print(f"coprod {name}: {cli}", *profile_lines(name, cli), sep="\n", flush=True)
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


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent,
                          capture_output=True, text=True).stdout.strip()


def _cores() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
