"""Each check runs in a process of its own, so that no file can bring the service down.

The process is forked from a server process that has the validator loaded and warmed
(``preload``), so it starts in a few milliseconds. In it, the temporary folder is the
request's own folder (openpyxl spools the Excel download there), and its memory is
limited; the parent stops it when it runs past the deadline. A crash, an abort or a
runaway allocation ends only that process: the parent answers with a plain message
(``CheckFailed``) and the request's folder is removed as always. The outcome comes back
as a file in the request's folder, read with an unpickler that builds only the toolkit's
own result classes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import traceback
from dataclasses import is_dataclass
from enum import Enum
from functools import cache
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from .config import MB, WebConfig
from .outcome import Outcome, check_upload
from .refusals import CheckFailed
from .work import remove_leftovers

RESULT = "outcome.pickle"
OUT_OF_MEMORY, FAULT = 99, 98  # exit codes of a check process
_running: set[multiprocessing.process.BaseProcess] = set()


@cache
def _context():
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([f"{__package__}.preload"])
    return context


def start() -> None:
    """Start the process checks are forked from (else the first check starts it)."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        try:
            forkserver.ensure_running()
        except Exception:  # noqa: BLE001, S110 - the first check tries again, and says
            pass


def _address_space() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _confine(folder: str, memory_bytes: int, seconds: float) -> None:
    """In the check's process: temporary files go to FOLDER; memory and CPU time are
    limited (CPU time only as a backstop, should the parent be gone). Ctrl+C in the
    server's terminal is left to the server, which stops its checks itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.unraisablehook = lambda unraisable: _say("a check ignored", unraisable.exc_value)
    tempfile.tempdir = folder
    os.environ.update(TMPDIR=folder, TEMP=folder, TMP=folder)
    os.chdir(folder)
    try:
        import resource
    except ImportError:  # Windows: the deadline still holds
        return
    limit = _address_space() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(2 * seconds) + 10
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _say(what: str, exc: BaseException) -> None:
    """One line in the server's log: the exception's type and place, never its message
    (which may hold a value from the file)."""
    where = traceback.extract_tb(getattr(exc, "__traceback__", None))[-1:]
    place = f" at {where[0].filename}:{where[0].lineno}" if where else ""
    sys.stderr.write(f"coprod serve: {what} {type(exc).__name__}{place}\n")
    sys.stderr.flush()


def _check(folder: str, upload: str, filename: str, level: str, max_bytes: int) -> Outcome:
    outcome = check_upload(Path(upload), filename, level=level, max_bytes=max_bytes)
    outcome.report.data = None  # not needed any more, and never sent back
    return outcome


def _run(folder: str, job, args: tuple, memory_bytes: int, seconds: float) -> None:
    """The check process: JOB(*ARGS)'s result into FOLDER/outcome.pickle, or an exit
    code."""
    try:
        _confine(folder, memory_bytes, seconds)
        result = job(*args)
        with open(os.path.join(folder, RESULT + ".part"), "wb") as out:
            pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(os.path.join(folder, RESULT + ".part"), os.path.join(folder, RESULT))
    except MemoryError:
        os._exit(OUT_OF_MEMORY)
    except BaseException as exc:  # noqa: BLE001 - a fault in the checker: said, not shown
        _say("a check stopped (the service goes on) with", exc)
        os._exit(FAULT)


class _ResultUnpickler(pickle.Unpickler):
    """Builds the toolkit's own dataclasses and enumerations, nothing else."""

    def find_class(self, module: str, name: str):
        if module.startswith("coprod_standard.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and found.__module__ == module and (
                    issubclass(found, Enum)
                    or (is_dataclass(found) and not hasattr(found, "__post_init__"))
                    or _plain_dict(found)):
                return found
        raise pickle.UnpicklingError(f"not a class a check returns: {module}.{name}")


def _plain_dict(kind: type) -> bool:
    """A dict of the toolkit's own (``issues.Unlisted``) that adds methods only: rebuilt as
    an empty dict filled item by item, running none of its code."""
    return issubclass(kind, dict) and not any(
        name in vars(kind) for name in ("__init__", "__new__", "__setitem__", "__setstate__",
                                        "__reduce__", "__reduce_ex__", "update"))


async def _ended(process, seconds: float) -> bool:
    """Wait up to SECONDS for PROCESS to end; whether it did."""
    loop = asyncio.get_running_loop()
    ended = loop.create_future()
    loop.add_reader(process.sentinel, lambda: ended.done() or ended.set_result(True))
    try:
        async with asyncio.timeout(seconds):
            return await ended
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(process.sentinel)


def _stop(process) -> None:
    if process.pid is not None:
        if process.exitcode is None:
            process.kill()
        process.join(timeout=10)
        if process.exitcode is not None:
            process.close()
    _running.discard(process)


def stop_all() -> None:
    """When the server stops: stop every check still running, and the process checks are
    forked from (it may be warming up still, in a folder of its own, removed too)."""
    for process in list(_running):
        _stop(process)
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    if getattr(server, "_forkserver_pid", None) is not None:
        try:
            os.kill(server._forkserver_pid, signal.SIGKILL)
            server._stop()  # reaps it, so that a later check starts a new one
        except (OSError, AttributeError):
            pass
    remove_leftovers()


async def check_in_child(folder: Path, upload: Path, filename: str, level: str,
                         config: WebConfig) -> Outcome:
    """Check UPLOAD (in FOLDER, the request's own) in a process of its own, within the
    config's deadline and memory. Raises CheckFailed if the check did not finish."""
    return await run_in_child(folder, _check, (str(folder), str(upload), filename, level,
                                               config.max_upload_bytes), config)


async def run_in_child(folder: Path, job, args: tuple, config: WebConfig):
    """JOB(*ARGS) (a module-level function of the toolkit returning its own dataclasses)
    in a process of its own, confined to FOLDER, within the config's deadline and
    memory. Raises CheckFailed if it did not finish."""
    process = _context().Process(
        target=_run, name="coprod-check", daemon=True,
        args=(str(folder), job, args, config.check_memory_bytes, config.check_seconds))
    _running.add(process)
    try:
        await run_in_threadpool(process.start)
        if not await _ended(process, config.check_seconds):
            raise CheckFailed.too_long(config.check_seconds)
        process.join(timeout=10)
        if process.exitcode == OUT_OF_MEMORY:
            raise CheckFailed.too_much_memory(config.check_memory_bytes // MB)
        try:
            with open(folder / RESULT, "rb") as result:
                if process.exitcode == 0:
                    return _ResultUnpickler(result).load()
        except Exception:  # noqa: BLE001 - no outcome, or not one a check writes
            pass
        raise CheckFailed.stopped()
    finally:
        _stop(process)
