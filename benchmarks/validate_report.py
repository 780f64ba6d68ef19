"""RESULTS.md's validation section, written from benchmarks/results/validate-*.json: the
targets met or missed (and by how much), where the time goes, and a table for each size."""

from __future__ import annotations

import json

from benchmarks.results_md import rewrite_section
from benchmarks.validate import (
    END,
    FLOOR,
    FLOOR_JSONL,
    OURS,
    OURS_ONE,
    OURS_SCHEMA,
    OURS_TABLES,
    PEER_LIBCOVE,
    RECORD,
    RESULTS,
    START,
    TARGETS,
)


def recorded() -> list[dict]:
    found = [json.loads(p.read_text(encoding="utf-8")) for p in RESULTS.glob("validate-*.json")]
    return sorted(found, key=lambda r: r["records"])


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:,.1f} s"


def _row(name: str, run: dict) -> str:
    runs = "extrapolated" if run.get("extrapolated") else str(run["runs"])
    star = " *" if run.get("extrapolated") else ""
    return (f"| {name}{star} | {_s(run['seconds'])} | {run['recordsPerSecond']:,} | "
            f"{run['peakMB']:,.0f} | {runs} |")


def _verdict(measured: float, target: float, higher_is_better: bool, unit: str) -> str:
    """Met or missed, and by how much."""
    places = 1 if unit in ("x", " s") else 0
    gap = abs(measured - target)
    if higher_is_better:
        if measured >= target:
            return f"**met**, {gap:,.{places}f}{unit} ({gap / target:.0%}) above the target"
        return (f"**missed** by {gap:,.{places}f}{unit}: {measured / target:.0%} of the "
                f"target ({target / measured:.1f}x short)")
    if measured <= target:
        return f"**met**, {gap:,.{places}f}{unit} ({gap / target:.0%}) to spare"
    return (f"**missed** by {gap:,.{places}f}{unit}: {measured / target:.1f}x the target")


def targets(results: list[dict]) -> list[str]:
    lines = ["| Target | Measured | Verdict |", "|---|---|---|"]
    big = next((r for r in results if r["recordsRequested"] == 1_000_000), None)
    if big is None:
        lines.append("| 1M-record targets | not measured yet: run with --records 1000000 | |")
    else:
        ours, schema = big["ours"][OURS], big["ours"][OURS_SCHEMA]
        n = f"{big['records']:,} records"
        lines += [
            f"| {n} validated, structure and all checks, in at most "
            f"{TARGETS['allChecksSeconds']} s | {_s(ours['seconds'])} | "
            f"{_verdict(ours['seconds'], TARGETS['allChecksSeconds'], False, ' s')} |",
            f"| {n}, structure alone, in at most {TARGETS['structureSeconds']} s | "
            f"{_s(schema['seconds'])} | "
            f"{_verdict(schema['seconds'], TARGETS['structureSeconds'], False, ' s')} |",
            f"| At most {TARGETS['peakMB']} MB peak (all checks) | {ours['peakMB']:,.0f} MB | "
            f"{_verdict(ours['peakMB'], TARGETS['peakMB'], False, ' MB')} |",
            f"| At most {TARGETS['peakMB']} MB peak (structure alone) | "
            f"{schema['peakMB']:,.0f} MB | "
            f"{_verdict(schema['peakMB'], TARGETS['peakMB'], False, ' MB')} |"]
        cove = big["peers"].get(PEER_LIBCOVE)
        if cove is None:
            lines.append(f"| At least {TARGETS['timesLibCove']}x lib-cove | lib-cove not "
                         "measured: run with --peers | |")
        else:
            how = " (lib-cove extrapolated)" if cove.get("extrapolated") else ""
            for label, run in (("all checks", ours), ("structure alone, like for like",
                                                       schema)):
                times = cove["seconds"] / run["seconds"]
                lines.append(
                    f"| At least {TARGETS['timesLibCove']}x lib-cove's speed ({label}) | "
                    f"{times:.1f}x ({_s(cove['seconds'])} against {_s(run['seconds'])})"
                    f"{how} | {_verdict(times, TARGETS['timesLibCove'], True, 'x')} |")
    lines += tabular_targets()
    return lines


def tabular_targets() -> list[str]:
    path = RESULTS / "tabular-100000.json"
    if not path.exists():
        return ["| Spreadsheet to JSON targets | benchmarks/results/tabular-100000.json "
                "missing: run benchmarks/tabular.py | |"]
    tab = json.loads(path.read_text(encoding="utf-8"))
    rate, peak = TARGETS["tabularRowsPerSecond"], TARGETS["tabularPeakMB"]
    src = "[tabular-100000.json](results/tabular-100000.json)"
    lines = []
    for name, title in (("csv", "CSV"), ("xlsx", "XLSX workbook"), ("ods", "ODS spreadsheet")):
        run = tab["ours"].get(name)
        if run is None:
            continue
        where = (f" ({src}, {tab['rows']:,} rows, conversion inside the process: read, "
                 "source map, JSON written)" if name == "csv" else "")
        lines.append(f"| {title} to JSON with cell source map, at least {rate:,} rows/s"
                     f"{where} | {run['rowsPerSecond']:,} rows/s | "
                     f"{_verdict(run['rowsPerSecond'], rate, True, ' rows/s')} |")
        memory = run.get("conversionPeakMB", run["peakMB"])
        lines.append(f"| At most {peak} MB for 100k rows ({title}, converting) | "
                     f"{memory:,.0f} MB | {_verdict(memory, peak, False, ' MB')} |")
    csv = tab["ours"]["csv"]
    lines.append(
        f"| The whole `coprod convert` command on the CSV tables, Python's start-up and the "
        f"checks it runs on what it converted included | {csv['rowsPerSecondCli']:,} rows/s, "
        f"{csv['peakMB']:,.0f} MB | {_verdict(csv['rowsPerSecondCli'], rate, True, ' rows/s')}"
        " |")
    return lines


def time_spent(results: list[dict]) -> list[str]:
    """Where the time goes at the largest size, and why the targets missed are missed."""
    big = max(results, key=lambda r: r["records"])
    ours, schema = big["ours"][OURS], big["ours"][OURS_SCHEMA]
    floor = big["floor"].get(FLOOR)
    lines = big["floor"].get(FLOOR_JSONL)
    one = big["ours"].get(OURS_ONE)
    tables = big["ours"].get(OURS_TABLES)
    if not floor:
        return []
    single = one or ours  # the checks' own cost is clearest in one process
    per_project = (single["seconds"] - schema["seconds"]) / big["projects"] * 1e6
    structure = ("meets its own" if schema["seconds"] <= TARGETS["structureSeconds"]
                 else "is close to its own")
    n = f"{big['records']:,}"
    return [
        f"### Where the time goes ({n} records)", "",
        f"- **Reading**: orjson parses the whole file in {_s(floor['seconds'])} and holds "
        f"all of it, {floor['peakMB']:,.0f} MB at its peak" + (
            f"; the same data as JSON Lines parses in {_s(lines['seconds'])}" if lines
            else "") + ". `coprod validate` reads one project at a time with Python's own "
        "JSON decoder, the only one that reports duplicate keys and the exact line and "
        "column of any mistake, so its memory stays flat.",
        f"- **Structure** (`--level schema`): {_s(schema['seconds'])} in all, reading "
        "included; jsonschema-rs checks each project in compiled code, and most of the "
        "time is Python decoding each project and handing it over.",
        f"- **The checks beyond the schema**: about {per_project:,.0f} µs a project on one "
        f"core. They are about {round(_checks_count(), -1)} small Python functions "
        "that each look at a project (codes, references, dates, sums, small numbers, "
        "privacy, principles, evaluation, costs). " + (
            f"In one process the whole run takes {_s(one['seconds'])}; by default a large "
            "file is checked in one process for each core (each reads the whole file and "
            f"checks every other project): {_s(ours['seconds'])}, the first row. Its peak "
            "memory is that of the largest single process; the workers and the process "
            "that merges their parts together hold more, up to about three times as "
            "much. " if one else "") +
        f"The checks are what misses the 10-second target; structure alone {structure}.",
        *([f"- **CSV tables** ({big['megabytes'].get('csvDataPackage', 0):,.0f} MB): "
           f"{_s(tables['seconds'])} and {tables['peakMB']:,.0f} MB at the peak. They are "
           "read one project at a time (each sheet side by side, in the projects' order), "
           "with every cell's sheet, row and column kept for the report, and checked in "
           "one process for each core like JSON, so memory stays flat. Reading and "
           "assembling the rows costs more than decoding JSON does."] if tables else []),
        *workbook_stages(),
        "- **The checks, check by check**: the section \"Where the checks' time goes\" "
        "(`benchmarks/checks.py`) measures each check on the code as it stands, and works "
        "out what this size costs now and how much cheaper the checks must be for the "
        "10-second target. Not done yet: one pass over each project gathering what every "
        "check reads, or compiled checks, and reading with a faster decoder that can "
        "still report duplicate keys and lines.", ""]


STAGE_NAMES = {"scan": "the scan of the XML", "grid": "calamine's grids (ODS: content.xml "
               "parsed)", "rowsToPython": "cells to Python values", "unflatten": "rows "
               "assembled into the dataset with its source map", "otherReading": "the rest "
               "of reading", "write": "the JSON written"}


def workbook_stages() -> list[str]:
    """Where a workbook's conversion spends its time (benchmarks/tabular.py's stages), and
    what the rows-a-second target would need."""
    path = RESULTS / "tabular-100000.json"
    tab = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    lines = ["- **Workbooks** (the XLSX targets above, from `benchmarks/tabular.py`): a "
             "workbook read whole goes through calamine (compiled) once a scan of its XML "
             "shows that it reads the same cells safely; calamine builds each sheet as a full "
             "grid (a 300-byte sheet with cells at A1 and Z1000000 took it 800 MB), hence "
             "the scan. A workbook of 16 MB or more is streamed instead, from disk by "
             "openpyxl (about 8,000 rows a second) in memory that does not grow with the "
             "file."]
    rate = TARGETS["tabularRowsPerSecond"]
    for name in ("xlsx", "ods"):
        run = tab.get("ours", {}).get(name)
        if not run or "stages" not in run:
            continue
        total = run["conversionSeconds"]
        parts = ", ".join(f"{STAGE_NAMES.get(stage, stage)} {100 * seconds / total:.0f}%"
                          for stage, seconds in sorted(run["stages"].items(),
                                                       key=lambda kv: -kv[1]) if seconds > 0)
        lines.append(
            f"  - {name.upper()}, {tab['rows']:,} rows: {_s(total)} converting inside the "
            f"process ({run['rowsPerSecond']:,} rows/s, {run['conversionPeakMB']:,.0f} MB "
            f"at its peak): {parts}. `coprod convert` then checks what it converted, "
            f"{_s(run['checkSeconds'])} more (the whole command {_s(run['seconds'])}, "
            f"{run['peakMB']:,.0f} MB). {rate:,} rows/s would need the conversion in "
            f"{_s(tab['rows'] / rate)}, {total * rate / tab['rows']:.1f} times faster.")
    if len(lines) > 1:
        lines.append(
            "  - What that would need: a compiled reader that streams rows without building "
            "a grid and without a separate scan (today the scan is what makes calamine safe "
            "to use), assembling the dataset in compiled code or from columns rather than "
            "cell by cell, and writing the JSON as it is assembled. For ODS, calamine could "
            "read the file behind a scan like the XLSX one, in place of parsing content.xml "
            "in Python.")
    return lines


def _checks_count() -> int:
    from coprod_standard.checks import catalogue

    return sum("publish" in chk.levels for chk in catalogue())


def code_measured(results: list[dict]) -> str:
    states: dict[str, list[str]] = {}
    for r in results:
        code = r["code"]
        state = f"commit {code['commit']}" + (
            f" with uncommitted changes to {', '.join(code['uncommitted'])} (work in "
            "progress on this machine, measured as it stood)" if code["uncommitted"] else "")
        states.setdefault(state, []).append(f"{r['records']:,}")
    if len(states) == 1:
        return next(iter(states)) + " for every size"
    return "; ".join(f"{', '.join(sizes)} records: {state}" for state, sizes in states.items())


def section(results: list[dict]) -> str:
    if not results:
        return "No validation results recorded yet: run benchmarks/validate.py.\n"
    last = max(results, key=lambda r: r["started"])
    m = last["machine"]
    out = ["## Validation: 10k, 100k and 1M records", "",
           "Written by `benchmarks/validate.py` from `benchmarks/results/validate-*.json`; "
           "rerun it rather than editing this section.", "",
           f"- **Machine**: {m['cores']} cores ({m['cpu']}), {m['memoryGB']} GB memory, "
           f"{m['os']}, Python {m['python']}.",
           "- **Dates**: " + ", ".join(f"{r['records']:,} records {r['started']}"
                                        for r in results) + ".",
           f"- **A record** is {RECORD}. The invented projects are valid at the publish "
           "level with nothing to report (no errors, warnings or advisories, checked on a "
           "sample before each run, and every timed run exited 0), so this measures "
           "validation, not error reporting.",
           "- **Each figure** is the median wall time of fresh processes (Python's start-up "
           "included) and the largest peak resident memory of the process (`ru_maxrss` of "
           "the child). A run over two minutes was not repeated; the runs column says how "
           "many there were.",
           "- **Noise**: other engineers were working on this machine during these runs, so "
           "timings can be off by more than the usual few per cent; the load average at the "
           "start and end of each size is in its results file. "
           + "; ".join(f"{r['records']:,} records: load "
                       f"{r['loadAverageAtStart'][0]:.1f} at start, "
                       f"{r['loadAverageAtEnd'][0]:.1f} at end" for r in results) + ".",
           "- **Code measured**: " + code_measured(results) + ".",
           "- **JSON Lines**: " + (
               "measured (one project a line)." if last["jsonLines"]["supported"] else
               "not measured: `coprod validate` does not read .jsonl yet (it said: "
               f"\"{last['jsonLines'].get('reason', '')}\")."), ""]
    out += ["### Targets", "", *targets(results), "", *time_spent(results)]
    extrapolated = False
    for r in results:
        mb = r["megabytes"]
        sizes = f"{mb['json']:,.1f} MB of JSON" + (
            f", {mb['csvDataPackage']:,.1f} MB of CSV tables" if "csvDataPackage" in mb else "")
        out += [f"### {r['recordsRequested']:,} records ({r['records']:,}: "
                f"{r['projects']:,} projects; {sizes})", "",
                "| Tool | Wall time | Records a second | Peak MB | Runs | Time against "
                "coprod (all checks) |",
                "|---|---|---|---|---|---|"]
        ours = r["ours"][OURS]["seconds"]
        for group in ("ours", "floor", "peers"):
            for name, run in r[group].items():
                out.append(_row(name, run) + f" {run['seconds'] / ours:.2f}x |")
                extrapolated = extrapolated or bool(run.get("extrapolated"))
        for name, run in r["peers"].items():
            if run.get("extrapolated"):
                out.append(f"\n\\* {name} was **not run** at this size: it {run['reason']}. "
                           "The row is that extrapolation, not a measurement.")
        out.append("")
    out += ["### What each tool does", "", "| Tool | What it checks |", "|---|---|"]
    out += [f"| {name} | {what} |" for name, what in last["what"].items()
            if any(name in r[g] for r in results for g in ("ours", "floor", "peers"))]
    out += ["", "lib-cove and jsonschema are given the bundled schema as a file and a "
            "registry that fetches nothing; frictionless reads the data package that "
            "`coprod convert` writes; flatten-tool reads its own CSV layout, made by "
            "`flatten-tool flatten` before the clock starts."]
    if extrapolated:
        out += ["", "Rows marked * are extrapolated, not measured."]
    out += ["", "To rerun:", "", "```bash",
            ".venv/bin/python benchmarks/validate.py --records 10000 100000 1000000 "
            "--repeat 3 --peers", "```"]
    return "\n".join(out) + "\n"


def write_results_md() -> None:
    rewrite_section(START, END, section(recorded()))
