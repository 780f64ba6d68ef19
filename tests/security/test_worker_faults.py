"""A worker process of `coprod combine` that dies (killed from outside here, as a crash or
an abort in compiled code would kill it) loses no dataset: the study is still written whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.conftest import EXAMPLES


def _workers(parent: int) -> list[int]:
    """The forked workers of PARENT: its children with its own command line."""
    own = Path(f"/proc/{parent}/cmdline").read_bytes()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent and (entry / "cmdline").read_bytes() == own:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_a_worker_that_dies_loses_no_dataset(tmp_path):
    base = json.loads(EXAMPLES[0].read_text())
    folder = tmp_path / "published"
    folder.mkdir()
    for n in range(40):  # distinct datasets, so none is set aside as a duplicate
        (folder / f"d{n:02}.json").write_text(json.dumps({**base, "title": f"Study {n}"}))
    store = tmp_path / "study.duckdb"
    process = subprocess.Popen(
        [sys.executable, "-m", "coprod_standard", "combine", str(folder), "--out", str(store),
         "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    for _ in range(600):
        workers = _workers(process.pid)
        if workers:
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)
            break
        if process.poll() is not None:
            break
        time.sleep(0.05)
    out, err = process.communicate(timeout=600)
    assert killed is not None, "no worker was seen"
    assert "Traceback" not in err, err
    assert process.returncode == 0, (out, err)
    with duckdb.connect(str(store), read_only=True) as con:
        statuses = con.execute("select status, count(*) from datasets group by 1").fetchall()
        projects = con.execute("select count(distinct dataset_id) from projects").fetchone()
    assert statuses == [("valid", 40)]
    assert projects == (40,)
