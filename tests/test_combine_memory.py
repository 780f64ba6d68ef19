"""`coprod combine` fetches each dataset in the worker that checks it, so the main process
never holds every dataset at once: its peak memory stays well under the datasets' total
(it held them all before). Memory, not time: measured as the process's own VmHWM."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

DATASETS, MB_EACH = 40, 8

SCRIPT = """
import glob, sys
from coprod_standard.research.combine import combine
from coprod_standard.research.sources import Source
done = combine([Source(p) for p in sorted(glob.glob(sys.argv[1] + "/d*.json"))],
               sys.argv[1] + "/study.duckdb", jobs=2)
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(len(done.datasets), int(peak.split()[1]) // 1024)
"""


def test_the_main_process_does_not_hold_every_dataset(tmp_path):
    base = json.loads((ROOT / "examples" / "minimal.json").read_text())
    for n in range(DATASETS):  # each over the longest text allowed: read fast, then refused
        notes = (f"word{n} " * (MB_EACH * 1024 * 1024 // 6))[:MB_EACH * 1024 * 1024]
        (tmp_path / f"d{n:02}.json").write_text(json.dumps({**base, "notes": notes}))
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=600, check=True)
    datasets, peak_mb = map(int, done.stdout.split())
    assert datasets == DATASETS
    assert peak_mb < 0.6 * DATASETS * MB_EACH, peak_mb  # 320 MB of datasets
