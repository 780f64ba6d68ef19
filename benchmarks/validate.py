"""Benchmark: validating 10k, 100k and 1M records, against pure-Python jsonschema,
lib-cove, frictionless and flatten-tool on the same data in the same run.

    python benchmarks/validate.py [--records 10000 100000 1000000] [--repeat 3] [--peers]

A record is one row of the standard's tables: the dataset's own row, then for each
invented project the project, its 3 participant groups, 2 outcomes, 2 indicators,
4 indicator reports (the Results table) and 3 costs (VALID_ROWS_PER_PROJECT = 15), as
benchmarks/synthetic.py builds them. The projects are valid at the publish level with
nothing to report, so the benchmark measures validation, not error reporting.

Each size is written as one JSON file (and as JSON Lines, the dataset's own details on the
first line and then one project a line, if ``coprod validate`` reads .jsonl), as CSV
tables (a data package written by ``coprod convert``, not timed, for ``coprod validate``
and frictionless) and, with --peers, as flatten-tool's own CSV (made by ``flatten-tool
flatten``, not timed) for flatten-tool. Then, each in a fresh process, with the wall time
and the child process's peak memory, the median of --repeat runs:

- coprod validate FILE (the schema and every check, level publish);
- coprod validate --level schema FILE (the JSON Schema only);
- coprod validate on the CSV tables (every check; streamed from 16 MB, like JSON);
- the parse floor: orjson reading and parsing the file, nothing checked;
- with --peers, from benchmarks/.peers (a separate virtual environment; the peers never
  import coprod_standard, they get the bundled schema as a file): python-jsonschema's
  Draft202012Validator with format checking; lib-cove's get_schema_validation_errors
  (the engine behind the 360Giving and OCDS data review tools); frictionless validate on
  the data package; flatten-tool unflatten on the CSV tables.

A run that takes longer than --long seconds is not repeated. Before a peer is run at a
larger size, its time and memory are extrapolated (linearly) from the largest size
already measured; if that says more than --budget-seconds or --budget-mb, it is not run
and the extrapolation is recorded, marked as such. Results go to
benchmarks/results/validate-<records>.json; benchmarks/RESULTS.md is rewritten between
its validate markers from every validate-*.json present.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import VALID_ROWS_PER_PROJECT, valid_dataset  # noqa: E402
from benchmarks.tabular import PEERS, measure, peers_ready  # noqa: E402
from coprod_standard.bundle import bundled_schema  # noqa: E402

VERSION = "1.0"
LIBCOVE = "libcove==0.32.1"
JSONSCHEMA = "jsonschema[format-nongpl]==4.26.0"
FRICTIONLESS = "frictionless==5.21.0"
FLATTEN_TOOL_VERSION = "0.28.0"  # pinned in benchmarks/tabular.py
RESULTS = HERE / "results"
RESULTS_MD = HERE / "RESULTS.md"
START, END = "<!-- validate:start -->", "<!-- validate:end -->"

RECORD = ("one row of the standard's tables: the dataset's own row, then per project the "
          "project, 3 participant groups, 2 outcomes, 2 indicators, 4 indicator reports "
          f"(Results) and 3 costs ({VALID_ROWS_PER_PROJECT} rows a project)")

TARGETS = {"allChecksSeconds": 10, "structureSeconds": 5, "peakMB": 100, "timesLibCove": 40,
           "tabularRowsPerSecond": 100_000, "tabularPeakMB": 150}

OURS = "coprod validate (publish: schema and every check)"
OURS_SCHEMA = "coprod validate --level schema"
OURS_ONE = "coprod validate --jobs 1 (publish, one process)"
OURS_JSONL = "coprod validate, JSON Lines (publish)"
OURS_JSONL_SCHEMA = "coprod validate --level schema, JSON Lines"
OURS_TABLES = "coprod validate, CSV tables (publish)"
FLOOR = "orjson parse floor"
FLOOR_JSONL = "orjson parse floor, JSON Lines"
PEER_JSONSCHEMA = "jsonschema (Draft202012Validator, formats)"
PEER_LIBCOVE = "lib-cove (get_schema_validation_errors)"
PEER_FRICTIONLESS = "frictionless validate (data package of CSV tables)"
PEER_FLATTEN_TOOL = "flatten-tool unflatten (CSV tables)"
PEER_NAMES = (PEER_JSONSCHEMA, PEER_LIBCOVE, PEER_FRICTIONLESS, PEER_FLATTEN_TOOL)

WHAT = {
    OURS: "JSON Schema 2020-12 with formats (jsonschema-rs), then all the checks (codes, "
          "references, dates, sums, small numbers, principles, evaluation, costs, "
          "reporting)",
    OURS_ONE: "the same, in one process (by default a large file is checked in one "
              "process for each core, up to 4)",
    OURS_SCHEMA: "JSON Schema 2020-12 with formats (jsonschema-rs)",
    OURS_JSONL: "as above, the same data as JSON Lines",
    OURS_JSONL_SCHEMA: "as above, the same data as JSON Lines",
    OURS_TABLES: "as above, the same data as the CSV tables of a data package (read one "
                 "project at a time from 16 MB, every cell's place kept for the report)",
    FLOOR: "reads and parses the JSON file; nothing checked",
    FLOOR_JSONL: "reads and parses each line; nothing checked",
    PEER_JSONSCHEMA: "JSON Schema 2020-12 with formats (pure Python, jsonschema "
                     f"{JSONSCHEMA.split('==')[1]}, format-nongpl extras)",
    PEER_LIBCOVE: f"JSON Schema, with lib-cove {LIBCOVE.split('==')[1]}'s own draft-04 "
                  "validator (it does not know if/then or const, so it checks less)",
    PEER_FRICTIONLESS: f"frictionless {FRICTIONLESS.split('==')[1]}: CSV tables against "
                       "their table schemas (types, required, primary and foreign keys)",
    PEER_FLATTEN_TOOL: f"flatten-tool {FLATTEN_TOOL_VERSION}: CSV tables to JSON; no "
                       "validation",
}

from benchmarks.validate_peers import (  # noqa: E402
    JSONSCHEMA_SCRIPT,
    LIBCOVE_SCRIPT,
    READ_FLOOR,
    READ_FLOOR_LINES,
)


def timed(command: list[str], times: int, long: float) -> dict:
    """The median of TIMES runs, each in a fresh process; a run longer than LONG seconds
    is not repeated."""
    runs = [measure(command)]
    while len(runs) < times and runs[0]["seconds"] < long:
        runs.append(measure(command))
    return {"seconds": statistics.median(r["seconds"] for r in runs),
            "secondsMin": min(r["seconds"] for r in runs),
            "peakMB": max(r["peakMB"] for r in runs), "runs": len(runs)}


def validate_peers_ready() -> Path:
    """benchmarks/.peers with flatten-tool (as tabular.py pins it), jsonschema with its
    format extras, lib-cove and frictionless, at pinned versions."""
    peers_ready()
    python = PEERS / "bin" / "python"
    probe = ("import jsonschema, libcove, frictionless, rfc3339_validator\n"
             "from importlib.metadata import version\n"
             "print(version('jsonschema'), version('libcove'), version('frictionless'))")
    have = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
    wanted = " ".join(s.split("==")[1] for s in (JSONSCHEMA, LIBCOVE, FRICTIONLESS))
    if have.returncode or have.stdout.strip() != wanted:
        subprocess.run([str(python), "-m", "pip", "install", "-q", JSONSCHEMA, LIBCOVE,
                        FRICTIONLESS], check=True)
    return python


def jsonl_support(coprod: str, work: Path) -> dict:
    """Whether ``coprod validate`` reads a .jsonl file: the dataset's own details on the
    first line, then one project a line."""
    probe = work / "probe.jsonl"
    data = valid_dataset(2 * VALID_ROWS_PER_PROJECT)
    probe.write_text(as_json_lines(data), encoding="utf-8")
    run = subprocess.run([coprod, "validate", "--format", "json", str(probe)],
                         capture_output=True, text=True)
    helps = subprocess.run([coprod, "validate", "--help"], capture_output=True,
                           text=True).stdout
    said = "jsonl" in helps.lower() or "json lines" in helps.lower()
    if run.returncode == 0:
        return {"supported": True, "mentionedInHelp": said}
    reason = run.stderr.strip().splitlines()[-1:] or ["no output"]
    try:
        issues = json.loads(run.stdout)["files"][0].get("issues", [])
        if issues:
            reason = [issues[0].get("message", "")]
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    return {"supported": False, "mentionedInHelp": said, "exitStatus": run.returncode,
            "reason": " ".join(reason[0].split())}


def check_sample(coprod: str, work: Path) -> dict:
    """The synthetic projects are valid at publish with nothing to report; the counting
    of records matches the standard's own tables."""
    from coprod_standard.tabular.flatten import flatten

    sample = valid_dataset(20 * VALID_ROWS_PER_PROJECT)
    rows = sum(len(list(r)) for _, r in flatten(sample, VERSION))
    if rows != 1 + VALID_ROWS_PER_PROJECT * len(sample["projects"]):
        raise SystemExit(f"a project is {rows} table rows, not {VALID_ROWS_PER_PROJECT}")
    path = work / "sample.json"
    path.write_text(json.dumps(sample), encoding="utf-8")
    out = subprocess.run([coprod, "validate", "--format", "json", str(path)],
                         capture_output=True, text=True)
    report = json.loads(out.stdout)["files"][0]
    found = {k: report[k] for k in ("errors", "warnings", "advisories")}
    if out.returncode or any(found.values()):
        raise SystemExit(f"the synthetic projects are not clean at publish: {found}")
    return {"projects": len(sample["projects"]), **found,
            "checksRun": report["checks"]["run"], "checksPassed": report["checks"]["passed"]}


def write_data(records: int, work: Path, jsonl: bool) -> dict:
    data = valid_dataset(records)
    projects = len(data["projects"])
    files = {"json": work / "data.json"}
    files["json"].write_bytes(json.dumps(data).encode())
    if jsonl:
        files["jsonl"] = work / "data.jsonl"
        files["jsonl"].write_text(as_json_lines(data), encoding="utf-8")
    del data
    return {"projects": projects, "records": 1 + projects * VALID_ROWS_PER_PROJECT,
            "files": files}


def as_json_lines(data: dict) -> str:
    """The dataset's own details on the first line, then one project a line."""
    details = {k: v for k, v in data.items() if k != "projects"}
    return "".join(json.dumps(x) + "\n" for x in [details, *data["projects"]])


def megabytes(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20
    return path.stat().st_size / 2**20


def extrapolate(name: str, records: int, earlier: list[dict], args) -> dict | None:
    """From the largest earlier size at which NAME was measured: if it would take more
    than the budget at RECORDS, what it would take (linearly), marked as extrapolated."""
    known = [(r["records"], r["peers"][name]) for r in earlier
             if name in r.get("peers", {}) and not r["peers"][name].get("extrapolated")
             and r["records"] < records]
    if not known:
        return None
    base_records, base = max(known, key=lambda k: k[0])
    scale = records / base_records
    seconds, peak = base["seconds"] * scale, base["peakMB"] * scale
    if seconds <= args.budget_seconds and peak <= args.budget_mb:
        return None
    return {"seconds": seconds, "peakMB": peak, "runs": 0, "extrapolated": True,
            "extrapolatedFrom": base_records,
            "reason": f"would take about {seconds:.0f} s and {peak:,.0f} MB (linear from "
                      f"{base_records:,} records), over the budget of "
                      f"{args.budget_seconds:.0f} s or {args.budget_mb:,.0f} MB"}


def run_size(requested: int, args, coprod: str, jsonl: dict, sample: dict,
             earlier: list[dict]) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"coprod-validate-{requested}-"))
    made = write_data(requested, work, jsonl["supported"])
    files, records = made["files"], made["records"]
    limit = ["--max-size", str(math.ceil(max(megabytes(f) for f in files.values())) + 1)]
    files["csv"] = work / "datapackage" / "datapackage.json"
    subprocess.run([coprod, "convert", *limit, str(files["json"]), str(files["csv"])],
                   check=True, capture_output=True)
    result: dict = {
        "recordsRequested": requested, "records": records, "projects": made["projects"],
        "recordDefinition": RECORD, "version": VERSION,
        "megabytes": {k: round(megabytes(f), 1) for k, f in files.items() if k != "csv"}
        | {"csvDataPackage": round(megabytes(files["csv"].parent), 1)},
        "machine": machine(), "code": code_state(), "date": time.strftime("%Y-%m-%d"),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "loadAverageAtStart": os.getloadavg(),
        "sampleCheck": sample, "jsonLines": jsonl, "maxSizeOption": limit,
        "what": WHAT, "ours": {}, "floor": {}, "peers": {}}
    print(f"\n{records:,} records ({made['projects']:,} projects, "
          f"{result['megabytes']['json']:.1f} MB of JSON); a record is {RECORD}", flush=True)

    def note(group: str, name: str, run: dict) -> None:
        run["recordsPerSecond"] = round(records / run["seconds"])
        result[group][name] = run
        extra = " (EXTRAPOLATED, not run)" if run.get("extrapolated") else ""
        print(f"  {name}: {run['seconds']:.2f} s, {run['recordsPerSecond']:,} records/s, "
              f"{run['peakMB']:,.0f} MB, {run['runs']} runs{extra}", flush=True)

    cases = [(OURS, "json", []), (OURS_ONE, "json", ["--jobs", "1"]),
             (OURS_SCHEMA, "json", ["--level", "schema"])]
    if jsonl["supported"]:
        cases += [(OURS_JSONL, "jsonl", []), (OURS_JSONL_SCHEMA, "jsonl", ["--level", "schema"])]
    cases.append((OURS_TABLES, "csv", []))
    for name, kind, level in cases:
        target = files[kind].parent if kind == "csv" else files[kind]
        note("ours", name, timed([coprod, "validate", *level, *limit, str(target)],
                                 args.repeat, args.long))
    note("floor", FLOOR, timed([sys.executable, "-c", READ_FLOOR, str(files["json"])],
                               args.repeat, args.long))
    if jsonl["supported"]:
        note("floor", FLOOR_JSONL, timed([sys.executable, "-c", READ_FLOOR_LINES,
                                          str(files["jsonl"])], args.repeat, args.long))
    if args.peers:
        run_peers(work, files, records, args, coprod, limit, earlier, note, result)
    result["loadAverageAtEnd"] = os.getloadavg()
    shutil.rmtree(work, ignore_errors=True)
    return result


def run_peers(work: Path, files: dict[str, Path], records: int, args, coprod: str,
              limit: list[str], earlier: list[dict], note, result: dict) -> None:
    data, package = files["json"], files["csv"]
    python = validate_peers_ready()
    bin_dir = python.parent
    schema = work / "bundled.schema.json"  # so that no peer imports coprod_standard
    schema.write_text(json.dumps(bundled_schema(VERSION)), encoding="utf-8")
    scripts = {}
    for key, text in (("jsonschema", JSONSCHEMA_SCRIPT), ("libcove", LIBCOVE_SCRIPT)):
        scripts[key] = work / f"peer_{key}.py"
        scripts[key].write_text(text, encoding="utf-8")
    setup: dict = {}

    def prepare(name: str) -> list[str]:
        t = time.perf_counter()
        if name == PEER_JSONSCHEMA:
            command = [str(python), str(scripts["jsonschema"]), str(schema), str(data)]
        elif name == PEER_LIBCOVE:
            command = [str(python), str(scripts["libcove"]), str(schema), str(data)]
        elif name == PEER_FRICTIONLESS:
            command = [str(bin_dir / "frictionless"), "validate", str(package)]
        else:
            common = ["--schema", str(schema), "--root-list-path", "projects"]
            flat = work / "ft-csv"
            subprocess.run([str(bin_dir / "flatten-tool"), "flatten", str(data), "-f", "csv",
                            *common, "-o", str(flat)], check=True, capture_output=True)
            result["megabytes"]["csvFlattenTool"] = round(megabytes(flat), 1)
            command = [str(bin_dir / "flatten-tool"), "unflatten", "-f", "csv", *common,
                       "-o", str(work / "ft-out.json"), str(flat)]
        setup[name] = round(time.perf_counter() - t, 1)
        return command

    for name in PEER_NAMES:
        guess = extrapolate(name, records, earlier, args)
        if guess:
            note("peers", name, guess)
            continue
        run = timed(prepare(name), args.repeat, args.long)
        run["setupSeconds"] = setup[name]
        note("peers", name, run)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    memory = 0.0
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name")), cpu)
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
            memory = round(kb / 2**20, 1)
    except OSError:
        pass
    system = platform.platform()
    try:
        release = Path("/etc/os-release").read_text(encoding="utf-8")
        pretty = next(line.split("=", 1)[1].strip().strip('"')
                      for line in release.splitlines() if line.startswith("PRETTY_NAME="))
        system = f"{pretty} ({platform.system()} {platform.release()})"
    except (OSError, StopIteration):
        pass
    return {"cores": os.cpu_count() or 0, "memoryGB": memory, "cpu": cpu, "os": system,
            "python": platform.python_version(), "processor": platform.machine()}


def code_state() -> dict:
    """The commit measured, and any uncommitted changes to the package (work in progress
    on this machine is measured as it stands)."""
    def git(*words: str) -> str:
        run = subprocess.run(["git", *words], cwd=HERE.parent, capture_output=True, text=True)
        return run.stdout if run.returncode == 0 else ""

    changed = git("status", "--porcelain", "--", "coprod_standard").splitlines()
    return {"commit": git("rev-parse", "--short", "HEAD").strip(),
            "uncommitted": [line[3:] for line in changed if line.strip()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peers", action="store_true",
                        help="also measure jsonschema, lib-cove, frictionless, flatten-tool")
    parser.add_argument("--long", type=float, default=120,
                        help="a run longer than this many seconds is not repeated")
    parser.add_argument("--budget-seconds", type=float, default=600)
    parser.add_argument("--budget-mb", type=float, default=8192)
    parser.add_argument("--report-only", action="store_true",
                        help="only rewrite RESULTS.md from the recorded results")
    args = parser.parse_args()
    if not args.report_only:
        coprod = str(Path(sys.executable).with_name("coprod"))
        work = Path(tempfile.mkdtemp(prefix="coprod-validate-"))
        jsonl = jsonl_support(coprod, work)
        print("JSON Lines: " + ("read by coprod validate; measured" if jsonl["supported"]
                                else f"not read by coprod validate ({jsonl['reason']}); "
                                     "skipped"), flush=True)
        sample = check_sample(coprod, work)
        earlier = [json.loads(p.read_text(encoding="utf-8"))
                   for p in sorted(RESULTS.glob("validate-*.json"))]
        RESULTS.mkdir(exist_ok=True)
        for requested in sorted(args.records):
            result = run_size(requested, args, coprod, jsonl, sample, earlier)
            target = RESULTS / f"validate-{requested}.json"
            target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            earlier = [r for r in earlier if r["recordsRequested"] != requested] + [result]
            print(f"wrote {target.relative_to(HERE.parent)}", flush=True)
    from benchmarks.validate_report import recorded, targets, write_results_md

    write_results_md()
    print(f"wrote {RESULTS_MD.relative_to(HERE.parent)}")
    print("\n".join(targets(recorded())))


if __name__ == "__main__":
    main()
