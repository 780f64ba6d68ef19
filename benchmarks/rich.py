"""Benchmark: realistic projects, clean and broken, against pure-Python jsonschema.

    python benchmarks/rich.py [--projects 1000 10000] [--repeat 3] [--peers] [--before REF]

The corpus is benchmarks/rich_corpus.py's: projects shaped like the bundled examples
(about 27 KB each), clean (valid at the publish level, nothing to report) and broken (one
typical mistake in each project). For each size, each command runs in a fresh process,
the runs taken in turn so that a change in the machine's load falls on each; recorded are
the wall time, the processor time (user and system of the process and its children, which
other work on a shared machine moves less) and the peak memory, the median of --repeat:

- coprod validate --jobs 1 (publish level, every check, one process), clean and broken:
  the ratio of their processor times is the cost of the mistakes;
- coprod validate --jobs 1 --level schema, clean: the schema alone; the rest of the
  publish run's processor time, per project, is what the checks beyond the schema cost.
  Past --one-process-projects projects these three are run without --jobs 1 (one process
  for each core; processor time counts every process), so that the largest size fits in
  an hour;
- coprod validate (by default one process per core), clean and broken;
- the orjson parse floor, up to --floor-projects projects (it holds the whole file parsed,
  about seven times its size: at 100,000 projects, some 18 GB);
- with --peers, pure-Python jsonschema (benchmarks/.peers, as benchmarks/validate.py
  installs it) on the same file and the same bundled 1.2 schema, clean and broken, up to
  --peer-projects projects (about 10 ms a project, in one process);
- with --before REF, coprod validate --jobs 1 at git revision REF, clean and broken.

Results go to benchmarks/results/rich-<projects>.json; benchmarks/RESULTS.md is rewritten
between its rich markers from every rich-*.json present.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.free_text import MEASURE, _checkout  # noqa: E402
from benchmarks.results_md import rewrite_section  # noqa: E402
from benchmarks.rich_corpus import MISTAKES, write  # noqa: E402
from benchmarks.validate_peers import JSONSCHEMA_SCRIPT, READ_FLOOR  # noqa: E402

RESULTS = HERE / "results"
START, END = "<!-- rich:start -->", "<!-- rich:end -->"
TARGETS = {"brokenOverClean": 1.5, "timesJsonschema": 40, "checksCheaperBy": 2}
# as validate_peers.JSONSCHEMA_SCRIPT, but every error found, as a tool that reports them
# must (that script stops at the first, so on a broken file it would measure nothing)
EVERY_ERROR = JSONSCHEMA_SCRIPT.replace(
    "sys.exit(1 if any(True for _ in validator.iter_errors(data)) else 0)",
    "sys.exit(1 if sum(1 for _ in validator.iter_errors(data)) else 0)")
assert EVERY_ERROR != JSONSCHEMA_SCRIPT

def measure(command: list[str], where: Path) -> dict:
    """One run in a fresh process, started in the folder WHERE: ``python -m`` puts the
    folder it starts in first on the path, so in the repository it would always run the
    working copy, whatever PYTHONPATH says."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                         text=True, check=True, cwd=where).stdout.split()
    if int(out[3]) not in (0, 1):  # 1: the broken file found invalid, as it should be
        raise SystemExit(f"{' '.join(command)} failed with exit status {out[3]}")
    return {"seconds": float(out[0]), "cpuSeconds": float(out[1]), "peakMB": float(out[2]),
            "exit": int(out[3])}


def commands(files: dict[str, Path], projects: int, args, work: Path) -> dict[str, list]:
    coprod = [sys.executable, "-m", "coprod_standard", "validate", "--format", "json"]
    one = ["--jobs", "1"] if projects <= args.one_process_projects else []
    out = {}
    for state, path in files.items():
        if one:
            out[f"coprod validate --jobs 1, {state}"] = [*coprod, *one, str(path)]
        out[f"coprod validate, {state}"] = [*coprod, str(path)]
        if args.before:
            old = _checkout(args.before, work / "before") if not (work / "before").exists() \
                else work / "before"
            out[f"coprod validate --jobs 1 at {args.before}, {state}"] = [
                "env", f"PYTHONPATH={old}", *coprod, "--jobs", "1", str(path)]
        if args.peers and projects <= args.peer_projects:
            out[f"pure jsonschema, {state}"] = [str(HERE / ".peers" / "bin" / "python"), "-c",
                                                EVERY_ERROR, str(work / "schema.json"),
                                                str(path)]
    out[f"coprod validate{' --jobs 1' if one else ''} --level schema, clean"] = [
        *coprod, *one, "--level", "schema", str(files["clean"])]
    if args.before:
        out[f"coprod validate --jobs 1 --level schema at {args.before}, clean"] = [
            "env", f"PYTHONPATH={work / 'before'}", *coprod, "--jobs", "1", "--level",
            "schema", str(files["clean"])]
    if projects <= args.floor_projects:
        out["orjson parse floor, clean"] = [sys.executable, "-c", READ_FLOOR,
                                            str(files["clean"])]
    return out


def run(projects: int, args) -> dict:
    from coprod_standard.bundle import bundled_schema

    result = {"projects": projects, "mistakes": list(MISTAKES), "runs": {},
              "commit": _commit(), "date": datetime.now().isoformat(timespec="seconds"),
              "machine": _machine()}
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        files = {"clean": work / "clean.json", "broken": work / "broken.json"}
        result["bytes"] = {state: write(path, projects, state == "broken")
                           for state, path in files.items()}
        (work / "schema.json").write_text(json.dumps(bundled_schema("1.2")))
        todo = commands(files, projects, args, work)
        result["loadAverage"] = {"start": os.getloadavg()[0]}
        taken: dict[str, list[dict]] = {}
        for _, (name, command) in itertools.product(range(args.repeat), todo.items()):
            taken.setdefault(name, []).append(measure(command, work))
        result["loadAverage"]["end"] = os.getloadavg()[0]
    for name, runs in taken.items():
        result["runs"][name] = {
            "seconds": round(statistics.median(r["seconds"] for r in runs), 3),
            "cpuSeconds": round(statistics.median(r["cpuSeconds"] for r in runs), 3),
            "peakMB": round(max(r["peakMB"] for r in runs)), "runs": len(runs),
            "exit": runs[0]["exit"]}
    return result


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()


def _machine() -> str:
    return f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}"


def derived(result: dict) -> dict:
    runs, n = result["runs"], result["projects"]
    # one process where it was measured so; else one for each core (processor time of all)
    one = "coprod validate --jobs 1" if "coprod validate --jobs 1, clean" in runs \
        else "coprod validate"
    out = {"brokenOverClean": runs[f"{one}, broken"]["cpuSeconds"]
           / runs[f"{one}, clean"]["cpuSeconds"],
           "checksCpuMsPerProject": 1000 * (runs[f"{one}, clean"]["cpuSeconds"] - runs[
               f"{one} --level schema, clean"]["cpuSeconds"]) / n}
    before = next((name.split(" at ")[1].split(",")[0] for name in runs if " at " in name),
                  None)
    if before:
        at = f"{one} at {before}"
        out["before"] = before
        out["brokenOverClean before"] = runs[f"{at}, broken"]["cpuSeconds"] / runs[
            f"{at}, clean"]["cpuSeconds"]
        out["checksCpuMsPerProject before"] = 1000 * (runs[f"{at}, clean"]["cpuSeconds"] - runs[
            f"{one} --level schema at {before}, clean"]["cpuSeconds"]) / n
    if "orjson parse floor, clean" in runs:
        out["parseFloorSeconds"] = runs["orjson parse floor, clean"]["seconds"]
    out["schemaCpuSeconds"] = runs[f"{one} --level schema, clean"]["cpuSeconds"]
    for state in ("clean", "broken"):
        peer = runs.get(f"pure jsonschema, {state}")
        if peer:
            out[f"timesJsonschema {state}"] = peer["seconds"] / runs[
                f"coprod validate, {state}"]["seconds"]
    return out


def _against_before(more: dict) -> str:
    if "before" not in more:
        return "."
    before = more["checksCpuMsPerProject before"]
    share = more["checksCpuMsPerProject"] / before
    verdict = "met" if share <= 1 / TARGETS["checksCheaperBy"] else "missed"
    return (f"; {before:.1f} ms at {more['before']}: {share:.2f} of it (target at most "
            f"{1 / TARGETS['checksCheaperBy']:.2f}: {verdict}).")


def n_of(result: dict) -> int:
    return result["projects"]


def section() -> str:
    lines = ["## Realistic projects, clean and broken", "",
             "Written by `benchmarks/rich.py` from `benchmarks/results/rich-*.json`; rerun "
             "it rather than editing this section. Projects shaped like the bundled examples "
             "(benchmarks/rich_corpus.py); the broken corpus has one mistake in each project: "
             + "; ".join(MISTAKES) + ". Processor time is user and system time, which "
             "other work on the machine moves less than wall time.", ""]
    for path in sorted(RESULTS.glob("rich-*.json"), key=lambda p: int(p.stem[5:])):
        result = json.loads(path.read_text())
        more = derived(result)
        lines += [f"### {result['projects']:,} projects ({result['bytes']['clean'] / 1e6:,.1f}"
                  f" MB clean), commit {result['commit']}, {result['date']}", "",
                  f"{result['machine']}; load {result['loadAverage']['start']:.1f} at the "
                  f"start, {result['loadAverage']['end']:.1f} at the end.", "",
                  "| Run | Wall time | Processor time | Peak MB | Runs |", "|---|---|---|---|---|"]
        lines += [f"| {name} | {r['seconds']:.2f} s | {r['cpuSeconds']:.2f} s | {r['peakMB']}"
                  f" | {r['runs']} |" for name, r in result["runs"].items()]
        ratio = more["brokenOverClean"]
        checks = more["checksCpuMsPerProject"]
        where = "one process" if "coprod validate --jobs 1, clean" in result["runs"] else \
            "every process (too large to run in one within the hour)"
        lines += ["", f"- Broken over clean, processor time, {where}: {ratio:.2f}x "
                  f"(target at most {TARGETS['brokenOverClean']}x: "
                  f"{'met' if ratio <= TARGETS['brokenOverClean'] else 'missed'})"
                  + (f"; {more['brokenOverClean before']:.2f}x at {more['before']}."
                     if "before" in more else "."),
                  f"- The checks beyond the schema (the publish level's processor time less "
                  f"the schema level's): {checks:.1f} ms a project" + _against_before(more)]
        for state in ("clean", "broken"):
            times = more.get(f"timesJsonschema {state}")
            if times is not None:
                lines.append(f"- Against pure jsonschema, {state}: {times:.1f}x as fast "
                             f"(target at least {TARGETS['timesJsonschema']}x: "
                             f"{'met' if times >= TARGETS['timesJsonschema'] else 'missed'}).")
        peer = result["runs"].get("pure jsonschema, clean")
        if peer and "parseFloorSeconds" in more:
            needed = peer["seconds"] / TARGETS["timesJsonschema"]
            lines.append(
                f"- Where the time goes (clean, one process): the schema level, reading "
                f"included, {more['schemaCpuSeconds']:.2f} s; the checks beyond the schema "
                f"{checks * n_of(result) / 1000:.2f} s. Forty times pure jsonschema would be "
                f"{needed:.2f} s for the whole run, against {more['parseFloorSeconds']:.2f} s "
                "for orjson only to parse the file: on projects this size the target is "
                "below the parse floor, so no validator that reads the file can meet it; "
                "what is left to gain is in the checks and in reading.")
        skipped = [name for name, present in (
            ("pure jsonschema (about 10 ms a project in one process, so it is run up to "
             "10,000 projects)", peer),
            ("the orjson parse floor (it holds the parsed file: about seven times its size "
             "in memory)", "parseFloorSeconds" in more)) if not present]
        if skipped:
            lines.append(f"- Not run at this size: {'; '.join(skipped)}.")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peers", action="store_true")
    parser.add_argument("--peer-projects", type=int, default=1000)
    parser.add_argument("--floor-projects", type=int, default=10_000)
    parser.add_argument("--one-process-projects", type=int, default=10_000)
    parser.add_argument("--before", help="a git revision to measure against")
    parser.add_argument("--work", help="a folder with room for the corpus (default: /tmp)")
    args = parser.parse_args()
    if args.peers:
        from benchmarks.validate import validate_peers_ready
        validate_peers_ready()
    for projects in args.projects:
        result = run(projects, args)
        (RESULTS / f"rich-{projects}.json").write_text(json.dumps(result, indent=2) + "\n")
    rewrite_section(START, END, section())


if __name__ == "__main__":
    main()
