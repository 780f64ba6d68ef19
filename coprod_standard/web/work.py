"""The folders uploads are checked in. A server makes one work folder of its own in the
system temporary folder, named ``coprod-web-<pid>-<random>`` and holding a lock file that
the server keeps locked for as long as it runs (the system lets go of the lock when the
process ends, however it ends). Each request gets a folder inside it, removed when the
request ends; the whole work folder is removed when the server stops. A server that was
killed leaves its folder behind: the next server to start removes it, recognising it by
its name, its owner and a lock nobody holds. Nothing else is ever removed."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "coprod-web-"
REQUEST_PREFIX = "request-"
LOCK = ".coprod-web.lock"
_SERVER_FOLDER = re.compile(re.escape(PREFIX) + r"\d+-[a-z0-9_]{8}")
_locks: dict[Path, int] = {}  # a server folder of this process: its lock file's descriptor


def _try_lock(descriptor: int) -> bool:
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def remove_leftovers(parent: Path | None = None) -> list[Path]:
    """Remove the work folders of servers that have stopped without removing them (they
    were killed); return them. A folder is removed only if its name is one a server
    gives, it belongs to this user, and its lock file exists and is held by no process."""
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    for folder in parent.iterdir() if os.name == "posix" else []:
        if not _SERVER_FOLDER.fullmatch(folder.name) or folder in _locks:
            continue
        try:
            if folder.is_symlink() or folder.lstat().st_uid != os.getuid():
                continue
            descriptor = os.open(folder / LOCK, os.O_RDWR | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            if _try_lock(descriptor):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        finally:
            os.close(descriptor)
    return removed


def server_folder() -> Path:
    """A new work folder for this server (after removing those of killed servers)."""
    remove_leftovers()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    if os.name == "posix":
        # locked under another name first, so that no other server sees it unlocked
        descriptor = os.open(folder / f"{LOCK}.new", os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        _try_lock(descriptor)
        os.rename(folder / f"{LOCK}.new", folder / LOCK)
        _locks[folder] = descriptor
    return folder


def request_folder(work_dir: Path) -> Path:
    """A new, private folder for one request (the work folder is made again if something,
    such as a clean-up of the temporary folder, removed it)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{REQUEST_PREFIX}{os.getpid()}-", dir=work_dir))


def remove_work(work_dir: Path, owned: bool) -> None:
    """On shutdown: remove this process's request folders in WORK_DIR, and WORK_DIR
    itself if the server made it."""
    if owned:
        shutil.rmtree(work_dir, ignore_errors=True)
        descriptor = _locks.pop(work_dir, None)
        if descriptor is not None:
            os.close(descriptor)
        return
    for folder in work_dir.glob(f"{REQUEST_PREFIX}{os.getpid()}-*"):
        shutil.rmtree(folder, ignore_errors=True)
