"""Benchmark: combining 1,000 published dataset files into one DuckDB store.

    python benchmarks/combine.py [--datasets 1000] [--repeat 3] [--peers]

Writes invented datasets (the bundled examples, each copied many times under a different
publisher and title, with their results nudged, so that no two files are the same), then
times ``coprod combine FOLDER --out study.duckdb`` in a fresh process: every file read,
validated at the publish level (schema and every check), upgraded to the current version,
flattened into the analysis tables with its provenance and written to DuckDB. Then
``coprod compare`` on the store. With --peers, check-jsonschema (schema validation only,
nothing stored) is measured on the same files. Results go to
benchmarks/results/combine-<n>.json. Target: combine in at most 10 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.tabular import PEERS, _cores, repeat  # noqa: E402
from coprod_standard.bundle import bundled_schema  # noqa: E402

CHECK_JSONSCHEMA = "check-jsonschema==0.33.0"


def _nudge(node, rng: random.Random) -> None:
    """Move every reported mean a little, so each copy's results differ."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "mean" and isinstance(value, int | float) and not isinstance(value, bool):
                node[key] = round(value + rng.uniform(-0.3, 0.3), 2)
            else:
                _nudge(value, rng)
    elif isinstance(node, list):
        for value in node:
            _nudge(value, rng)


def write_datasets(folder: Path, count: int) -> list[Path]:
    rng = random.Random(7)
    examples = sorted((HERE.parent / "examples").glob("*.json"))
    originals = [json.loads(p.read_text(encoding="utf-8")) for p in examples]
    written = []
    for n in range(count):
        data = json.loads(json.dumps(originals[n % len(originals)]))
        data["publisher"]["name"] += f" (copy {n})"
        data["title"] = f"{data.get('title', 'Dataset')} (copy {n})"
        _nudge(data, rng)
        path = folder / f"dataset-{n:04d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    return written


def peer_ready() -> Path:
    python = PEERS / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
    tool = PEERS / "bin" / "check-jsonschema"
    if not tool.exists():
        subprocess.run([str(python), "-m", "pip", "install", "-q", CHECK_JSONSCHEMA],
                       check=True)
    return tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peers", action="store_true")
    args = parser.parse_args()
    coprod = str(Path(sys.executable).with_name("coprod"))
    work = Path(tempfile.mkdtemp(prefix="coprod-combine-"))
    folder = work / "datasets"
    folder.mkdir()
    paths = write_datasets(folder, args.datasets)
    store, report = work / "study.duckdb", work / "report"
    results: dict = {"datasets": args.datasets,
                     "bytes": sum(p.stat().st_size for p in paths),
                     "machine": {"python": platform.python_version(), "cores": _cores(),
                                 "processor": platform.machine()},
                     "date": time.strftime("%Y-%m-%d"), "commands": {}, "peers": {}}
    results["commands"]["combine"] = repeat(
        [coprod, "combine", str(folder), "--out", str(store), "--force"], args.repeat)
    results["commands"]["compare"] = repeat(
        [coprod, "compare", str(store), "--out", str(report), "--force"], args.repeat)
    if args.peers:
        tool = peer_ready()
        by_version: dict[str, list[str]] = {}
        for path in paths:
            version = json.loads(path.read_text(encoding="utf-8"))["version"]
            by_version.setdefault(version, []).append(str(path))
        seconds = peak = 0.0
        for version, files in sorted(by_version.items()):
            schema = work / f"schema-{version}.json"
            schema.write_text(json.dumps(bundled_schema(version)), encoding="utf-8")
            run = repeat([str(tool), "--schemafile", str(schema), *files], args.repeat)
            seconds += run["seconds"]
            peak = max(peak, run["peakMB"])
        results["peers"]["check-jsonschema (schema only)"] = {
            "version": CHECK_JSONSCHEMA.split("==")[1], "seconds": seconds, "peakMB": peak}
    out = HERE / "results" / f"combine-{args.datasets}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
