"""Nothing a user owns is lost (issue 16). Every command that writes goes through one writer,
``coprod_standard.output``: it replaces only the toolkit's own files, atomically, with normal
permissions, removes its temporary files on failure, and refuses in plain words (exit 2) an
existing output without --force, an output that is the input, and a file where a folder is
wanted or the reverse. Every case runs the real command in its own process."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from benchmarks.synthetic import valid_dataset
from coprod_standard.readers import read
from tests.conftest import ROOT

MINIMAL = ROOT / "examples" / "minimal.json"  # version 1.0
LATER = ROOT / "examples" / "time-bank.json"  # version 1.1
RESPONSES = ROOT / "examples" / "responses" / "club-wellbeing-responses.csv"


def _coprod(*args, cwd: Path | None = None, mask: int | None = None
            ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coprod_standard", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600,
                          preexec_fn=None if mask is None else (lambda: os.umask(mask)))


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Minutes of the meeting</w:document>")
    return buffer.getvalue()


FOREIGN = {"keep.txt": b"mine, not the toolkit's\n", "minutes.docx": _docx(),
           "notes/deep.txt": b"in a folder of mine\n", ".hidden": b"a dot file\n"}


def _state(paths) -> dict[Path, tuple]:
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mode,
                p.stat().st_mtime_ns) for p in paths}


def _plant(*folders: Path, extra: dict[str, bytes] | None = None) -> dict[Path, tuple]:
    """The user's own files in each folder; their bytes, permissions and times."""
    planted = []
    for folder in folders:
        for name, data in {**FOREIGN, **(extra or {})}.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            planted.append(path)
    return _state(planted)


def _leftovers(root: Path) -> list[Path]:
    """The writer's temporary files and staging folders, anywhere under ROOT."""
    return [p for p in root.rglob("*") if ".coprod-" in p.name or p.name.endswith(".part")]


# -- the reproduction ---------------------------------------------------------------------

def test_a_data_package_written_into_a_folder_leaves_every_other_file_alone(tmp_path):
    folder = tmp_path / "DIR"
    before = _plant(folder)
    for force in ((), ("--force",), ("--force",)):
        done = _coprod("convert", MINIMAL, folder / "datapackage.json", *force)
        assert done.returncode == 0, done.stderr
        assert _state(before) == before  # keep.txt and the .docx, byte for byte
    back = read(folder / "datapackage.json")
    assert back.issues == [] and back.data == read(MINIMAL).data
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("input_inside", [False, True], ids=["input-elsewhere", "input-here"])
def test_a_data_package_written_into_the_current_folder(tmp_path, input_inside):
    folder = tmp_path / "DIR"
    before = _plant(folder, extra={"mine.json": MINIMAL.read_bytes()})
    source = "mine.json" if input_inside else MINIMAL
    for force in ((), ("--force",)):
        done = _coprod("convert", source, "datapackage.json", *force, cwd=folder)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stderr and "went wrong" not in done.stderr
    assert _state(before) == before
    assert read(folder).data == read(MINIMAL).data
    assert _leftovers(tmp_path) == []


# -- every command that writes ------------------------------------------------------------

@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    done = _coprod("combine", ROOT / "examples", "--out", folder / "study.duckdb")
    assert done.returncode == 0, done.stderr
    return folder / "study.duckdb"


def _commands(out: Path, store: Path) -> dict[str, tuple[list, list[Path]]]:
    """Each command, writing into OUT (a folder holding the user's files) or into a file
    in it; and the folders, besides OUT, that the user's files are planted in."""
    return {
        "convert-json": (["convert", MINIMAL, out / "data.json"], []),
        "convert-xlsx": (["convert", MINIMAL, out / "data.xlsx"], []),
        "convert-csv": (["convert", MINIMAL, out, "--to", "csv"], []),
        "convert-csv-zip": (["convert", MINIMAL, out / "tables.zip"], []),
        "convert-datapackage": (["convert", MINIMAL, out / "datapackage.json"], []),
        "convert-datapackage-zip": (["convert", MINIMAL, out / "package.zip", "--to",
                                     "datapackage-zip"], []),
        "upgrade-json": (["upgrade", MINIMAL, out / "upgraded.json"], []),
        "upgrade-csv": (["upgrade", MINIMAL, out], []),
        "template-xlsx": (["template", out / "template.xlsx"], []),
        "template-csv": (["template", out, "--to", "csv"], []),
        "template-responses-xlsx": (["template", out / "r.xlsx", "--kind", "responses"], []),
        "template-responses-csv": (["template", out / "r.csv", "--kind", "responses", "--to",
                                    "csv"], []),
        "score": (["score", RESPONSES, "--out", out / "scores.csv"], []),
        "aggregate": (["aggregate", RESPONSES, "--out", out / "results.json"], []),
        "combine": (["combine", MINIMAL, LATER, "--out", out / "s.duckdb", "--csv",
                     out / "csv", "--parquet", out / "parquet"], [out / "csv", out / "parquet"]),
        "compare": (["compare", store, "--out", out], [out / "charts", out / "tables"]),
    }


COMMANDS = list(_commands(Path("out"), Path("s")))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_with_force_replaces_only_its_own_files(tmp_path, store, command):
    out = tmp_path / "out"
    args, places = _commands(out, store)[command]
    before = _plant(out, *places)
    if command == "compare":  # a chart of an earlier report, or of the user's
        (out / "charts" / "old-chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        before.update(_state([out / "charts" / "old-chart.png"]))
    first = _coprod(*args)
    assert first.returncode in (0, 1), first.stdout + first.stderr
    refused = _coprod(*args)
    assert refused.returncode == 2 and "--force" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    forced = _coprod(*args, "--force")
    assert forced.returncode == first.returncode, forced.stdout + forced.stderr
    assert _state(before) == before
    assert _leftovers(tmp_path) == []
    if command == "compare":  # a chart that this report did not draw is listed
        assert "left in place" in forced.stdout and "old-chart.png" in forced.stdout


def test_a_parquet_export_lists_the_partitions_of_an_earlier_export_it_did_not_write(
        tmp_path):
    first = _coprod("combine", MINIMAL, LATER, "--out", tmp_path / "s.duckdb", "--parquet",
                    tmp_path / "parquet")
    assert first.returncode == 0, first.stderr
    before = _state(p for p in (tmp_path / "parquet").rglob("*.parquet"))
    again = _coprod("combine", MINIMAL, "--out", tmp_path / "s.duckdb", "--parquet",
                    tmp_path / "parquet", "--force")
    assert again.returncode == 0, again.stderr
    kept = [p for p in before if _state([p]) == {p: before[p]}]  # not rewritten: LATER's
    assert kept and all(str(p) in again.stdout for p in kept)
    assert "left in place" in again.stdout


# -- refusals ------------------------------------------------------------------------------

def _refusals(tmp: Path) -> dict[str, tuple[list, str]]:
    data, tables, book = tmp / "data.json", tmp / "tables", tmp / "folder.xlsx"
    return {
        "convert-onto-its-input": (["convert", data, data], "is the input"),
        "convert-a-csv-folder-onto-itself": (["convert", tables, tables, "--to", "csv"],
                                             "is the input"),
        "convert-a-package-onto-itself": (["convert", tables / "datapackage.json",
                                           tables / "datapackage.json"], "is the input"),
        "upgrade-onto-its-input": (["upgrade", data, data], "is the input"),
        "score-onto-its-input": (["score", tmp / "r.csv", "--out", tmp / "r.csv"],
                                 "is the input"),
        "aggregate-onto-the-dataset": (["aggregate", tmp / "r.csv", "--into", data,
                                        "--project", "x", "--out", data], "is the input"),
        "combine-onto-its-input": (["combine", data, "--out", data], "is the input"),
        "csv-into-a-file": (["convert", data, tmp / "plain", "--to", "csv"], "is a file"),
        "template-into-a-file": (["template", tmp / "plain", "--to", "csv"], "is a file"),
        "a-folder-named-as-a-table": (["convert", data, tmp / "shadowed", "--to", "csv"],
                                      "is a folder"),
        "a-file-named-as-a-report-folder": (["compare", tmp / "s.duckdb", "--out",
                                             tmp / "blocked"], "is a file"),
        "convert-onto-a-folder": (["convert", data, book], "is a folder"),
        "upgrade-onto-a-folder": (["upgrade", data, tmp / "folder.json"], "is a folder"),
        "template-onto-a-folder": (["template", book], "is a folder"),
        "score-onto-a-folder": (["score", tmp / "r.csv", "--out", book], "is a folder"),
        "aggregate-onto-a-folder": (["aggregate", tmp / "r.csv", "--out", book],
                                    "is a folder"),
        "csv-beside-a-package-descriptor": (["convert", data, tmp / "package", "--to", "csv"],
                                            "would be read as part of it"),
        "csv-beside-another-versions-tables": (["convert", data, tmp / "later", "--to",
                                                "csv"], "would be read as part of it"),
    }


@pytest.fixture(scope="module")
def refusal_place(tmp_path_factory, store) -> Path:
    tmp = tmp_path_factory.mktemp("refusals")
    (tmp / "data.json").write_bytes(MINIMAL.read_bytes())
    (tmp / "r.csv").write_bytes(RESPONSES.read_bytes())
    (tmp / "s.duckdb").write_bytes(store.read_bytes())
    (tmp / "plain").write_text("a file of mine\n")
    (tmp / "shadowed" / "projects.csv").mkdir(parents=True)
    (tmp / "blocked" / "charts").parent.mkdir()
    (tmp / "blocked" / "charts").write_text("not a folder\n")
    for name in ("folder.xlsx", "folder.json"):
        (tmp / name).mkdir()
    for args in (["convert", MINIMAL, tmp / "tables" / "datapackage.json"],
                 ["convert", MINIMAL, tmp / "package" / "datapackage.json"],
                 ["convert", LATER, tmp / "later", "--to", "csv"]):
        assert _coprod(*args).returncode == 0
    return tmp


@pytest.mark.parametrize("case", list(_refusals(Path("t"))))
def test_what_must_not_be_written_is_refused_in_plain_words(refusal_place, case):
    args, says = _refusals(refusal_place)[case]
    before = _state(p for p in refusal_place.rglob("*") if p.is_file())
    done = _coprod(*args, "--force")
    assert done.returncode == 2, done.stdout + done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert _state(p for p in refusal_place.rglob("*") if p.is_file()) == before
    assert _leftovers(refusal_place) == []


# -- permissions ---------------------------------------------------------------------------

@pytest.mark.parametrize("mask", [0o022, 0o077], ids=["umask-022", "umask-077"])
def test_outputs_get_the_permissions_an_ordinary_file_would(tmp_path, store, mask):
    runs = [["convert", MINIMAL, tmp_path / "data.json"],
            ["convert", MINIMAL, tmp_path / "book.xlsx"],
            ["convert", MINIMAL, tmp_path / "new" / "tables"],
            ["template", tmp_path / "r.csv", "--kind", "responses", "--to", "csv"],
            ["score", RESPONSES, "--out", tmp_path / "scores.csv"],
            ["aggregate", RESPONSES, "--out", tmp_path / "results.json"],
            ["combine", MINIMAL, "--out", tmp_path / "s.duckdb", "--csv", tmp_path / "csv"],
            ["compare", store, "--out", tmp_path / "report"]]
    for args in runs:
        done = _coprod(*args, mask=mask)
        assert done.returncode in (0, 1), done.stderr
    made = [p for p in tmp_path.rglob("*")]
    assert len([p for p in made if p.is_file()]) > 40
    for path in made:
        expected = (0o777 if path.is_dir() else 0o666) & ~mask
        assert path.stat().st_mode & 0o777 == expected, (path, oct(path.stat().st_mode))
    (tmp_path / "data.json").chmod(0o640)  # a replaced file keeps its own permissions
    assert _coprod("convert", MINIMAL, tmp_path / "data.json", "--force").returncode == 0
    assert (tmp_path / "data.json").stat().st_mode & 0o777 == 0o640


# -- failures clean up ---------------------------------------------------------------------

HEADINGS = ("Respondent reference,Instrument,Timepoint,Date,Item 1,Item 2,Item 3,Item 4,"
            "Item 5,Item 6,Item 7")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_command_stopped_while_writing_removes_its_temporary_file(tmp_path, stop):
    """score --out opens its output before reading; responses from a named pipe that never
    sends anything hold it there, with the temporary file made, until it is stopped."""
    pipe = tmp_path / "responses.csv"
    os.mkfifo(pipe)
    (tmp_path / "scores.csv").write_text("the scores from last week\n")
    process = subprocess.Popen([sys.executable, "-m", "coprod_standard", "score", str(pipe),
                                "--out", str(tmp_path / "scores.csv"), "--force"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not _leftovers(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _leftovers(tmp_path), "the command never started writing"
    process.send_signal(stop)
    assert process.wait(timeout=60) != 0
    assert _leftovers(tmp_path) == []
    assert (tmp_path / "scores.csv").read_text() == "the scores from last week\n"


@pytest.mark.parametrize("name", ["tables", "big.json"])
def test_a_conversion_stopped_at_any_moment_leaves_no_temporary_files(tmp_path, name):
    source = tmp_path / "source.json"
    data = valid_dataset(20_000)
    source.write_text(json.dumps(data))
    target = tmp_path / name
    assert _coprod("convert", MINIMAL, target).returncode == 0
    old = read(target).data
    for delay in (1.0, 2.5, 4.0):
        process = subprocess.Popen([sys.executable, "-m", "coprod_standard", "convert",
                                    "--force", str(source), str(target)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
        assert _leftovers(tmp_path) == [], delay
        now = read(target)
        assert now.issues == []
        assert now.data == old or len(now.data["projects"]) == len(data["projects"])
        if now.data != old:
            assert _coprod("convert", "--force", MINIMAL, target).returncode == 0


def test_a_workbook_stopped_while_its_rows_are_spooled_leaves_none_behind(tmp_path):
    """openpyxl spools a workbook's rows (personal data) into the system's temporary folder;
    a conversion stopped with SIGTERM while they are there removes them on its way out. The
    signal is sent from a thread inside the command the moment a spooled file appears, so a
    busy machine cannot let the conversion finish first."""
    source = tmp_path / "source.json"
    source.write_text(json.dumps(valid_dataset(20_000)))
    spool = tmp_path / "system-temporary-folder"
    spool.mkdir()
    seen = tmp_path / "seen"
    code = ("import os, runpy, signal, sys, threading, time\n"
            "spool, seen = sys.argv[1:3]\n"
            "def watch():\n"
            "    while not os.listdir(spool):\n"
            "        time.sleep(0.001)\n"
            "    open(seen, 'w').write(' '.join(os.listdir(spool)))\n"
            "    os.kill(os.getpid(), signal.SIGTERM)\n"
            "threading.Thread(target=watch, daemon=True).start()\n"
            "sys.argv = ['coprod', 'convert', sys.argv[3], sys.argv[4]]\n"
            "runpy.run_module('coprod_standard', run_name='__main__', alter_sys=True)\n")
    done = subprocess.run([sys.executable, "-c", code, str(spool), str(seen), str(source),
                           str(tmp_path / "book.xlsx")], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={**os.environ, "TMPDIR": str(spool)})
    assert seen.exists(), f"no rows were spooled: {done.returncode} {done.stderr[-1000:]}"
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert list(spool.iterdir()) == [] and _leftovers(tmp_path) == []
    assert not (tmp_path / "book.xlsx").exists()


def test_scores_that_fail_part_way_leave_the_old_file(tmp_path):
    rows = [HEADINGS]
    rows += [f"R{i},swemwbs,baseline,2025-01-01,3,3,3,3,3,3,3" for i in range(3000)]
    rows.append("R9999,swemwbs,baseline,2025-01-01," + "3" * 40_000 + ",3,3,3,3,3,3")
    (tmp_path / "responses.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "scores.csv").write_text("the scores from last week\n")
    done = _coprod("score", tmp_path / "responses.csv", "--out", tmp_path / "scores.csv",
                   "--force")
    assert done.returncode == 3 and "more than the limit" in done.stderr
    assert (tmp_path / "scores.csv").read_text() == "the scores from last week\n"
    assert _leftovers(tmp_path) == []


# -- a report is never lost to one chart ---------------------------------------------------

def test_compare_shows_mathtext_in_titles_literally_and_writes_its_report(tmp_path):
    title = r"$\undefinedmacro{x}$ and $x^2$"
    (tmp_path / "examples").mkdir()
    for path in (ROOT / "examples").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "time-bank.json":
            data["projects"][0]["title"] = title
        (tmp_path / "examples" / path.name).write_text(json.dumps(data), encoding="utf-8")
    assert _coprod("combine", "examples/", "--out", "s.duckdb", cwd=tmp_path).returncode == 0
    done = _coprod("compare", "s.duckdb", "--out", "report/", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not drawn" not in done.stdout
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert title in page and "could not be drawn" not in page
    charts = [p.read_text(encoding="utf-8") for p in (tmp_path / "report" / "charts")
              .glob("forest-*.svg")]
    assert sum(title in svg for svg in charts) >= 2  # the project is in two analyses


def test_a_chart_that_cannot_be_drawn_is_named_and_the_report_is_written(tmp_path, store):
    from dataclasses import replace

    from coprod_standard.research.compare import compare
    from coprod_standard.research.page import write_report

    found = compare(store)
    broken = found.analyses[0]
    studies = [replace(s, label=None) for s in broken.pooled.studies]  # no text to draw
    found.analyses[0] = replace(broken, pooled=replace(broken.pooled, studies=studies))
    written = write_report(found, tmp_path / "report", str(store))
    assert written.not_drawn == [broken.title]
    page = written.page.read_text(encoding="utf-8")
    assert "could not be drawn" in page and page.count("data:image/svg+xml") == 1 + len(
        found.analyses)  # the ladder, the principles and every other forest plot
    assert not (tmp_path / "report" / "charts" / f"forest-{broken.slug}.svg").exists()
    drawn = 2 + len(found.analyses) - 1  # the ladder, the principles, the other forests
    assert all(p.exists() for p in written.charts) and len(written.charts) == 2 * drawn
