"""Writing the toolkit's output. Every command that writes a file or a folder goes through
here, so every one keeps the same promises:

- Atomic: a file is written to a temporary file beside it and moved into place with
  ``os.replace`` only when complete, so an interrupted command leaves the old output or the
  complete new one. A folder output is first written whole into a staging folder (beside
  the folder when that is possible), then each of its files is moved in.
- Nothing else is touched: a folder output writes only its own files into the folder; every
  other file there is left exactly as it was. ``--force`` replaces the files of ours that
  have the same names, and nothing else. Nothing is ever deleted.
- Normal permissions: a new file gets what ``open()`` would give it (0666 less the umask), a
  replaced file keeps its permissions, and a new folder gets 0777 less the umask.
- Refused, as ``OutputRefused`` (a usage error): an output that exists (without force), an
  output that is one of the inputs, a file where a folder is wanted and a folder where a
  file is wanted.
- Temporary files are removed on every failure, including Ctrl-C, and SIGTERM while they
  exist. Only a process killed outright (SIGKILL, a power cut) can leave one; it is hidden
  (its name starts with a dot) and the output itself is as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


class OutputRefused(Exception):
    """The output cannot be written where asked; the message says why, in plain words."""


def umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode(target: Path) -> int:
    """The permissions ``open(target, "w")`` would leave: an existing file's own, else
    0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode) & 0o777
    except OSError:
        return 0o666 & ~umask()


def folder_mode() -> int:
    return 0o777 & ~umask()


# -- checks, made before any work is done -----------------------------------------------

def _is_input(path: Path, inputs: Iterable[Any]) -> bool:
    for source in inputs:
        if not isinstance(source, (str, os.PathLike)):
            continue  # bytes or parsed data: not a file
        source = Path(source)
        try:
            if os.path.samefile(source, path):
                return True
        except OSError:
            pass
        if source.resolve() == path.resolve():
            return True
    return False


def _parent_is_a_folder(path: Path) -> None:
    for parent in path.resolve().parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputRefused(f"'{parent}' is a file, so '{path}' cannot be written "
                                    "inside it; choose another place")
            return


def check_file(target: str | os.PathLike, *, force: bool, inputs: Iterable[Any] = ()
               ) -> Path:
    """Refuse, in plain words, to write the file TARGET where that would be wrong."""
    target = Path(target)
    if target.is_dir():
        raise OutputRefused(f"'{target}' is a folder, but this output is a single file; "
                            "give a file name")
    if _is_input(target, inputs):
        raise OutputRefused(f"'{target}' is the input; write the output to another name")
    _parent_is_a_folder(target)
    if (target.exists() or target.is_symlink()) and not force:
        raise OutputRefused(f"'{target}' already exists; use --force to replace it")
    return target


def check_folder(folder: str | os.PathLike, members: Iterable[str], *, force: bool,
                 inputs: Iterable[Any] = ()) -> list[str]:
    """Refuse, in plain words, to write the files MEMBERS (paths relative to FOLDER) where
    that would be wrong. Returns the members that exist (and would be replaced)."""
    folder, inputs = Path(folder), list(inputs)
    if folder.exists() and not folder.is_dir():
        raise OutputRefused(f"'{folder}' is a file, but this output is a folder of files; "
                            "give the name of a folder")
    _parent_is_a_folder(folder / "x")
    if _is_input(folder, inputs):
        raise OutputRefused(f"'{folder}' is the input; write the output to another folder")
    existing = []
    for member in members:
        path = folder / member
        if _is_input(path, inputs):
            raise OutputRefused(f"'{path}' is the input, and this output would replace it; "
                                "write the output to another folder")
        for parent in reversed(Path(member).parents[:-1]):
            if (folder / parent).exists() and not (folder / parent).is_dir():
                raise OutputRefused(f"'{folder / parent}' is a file, where this output "
                                    "needs a folder; move it or choose another folder")
        if path.is_dir():
            raise OutputRefused(f"'{path}' is a folder, where this output writes a file of "
                                "that name; move it or choose another folder")
        if path.exists() or path.is_symlink():
            existing.append(member)
    if existing and not force:
        shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more"
                                           if len(existing) > 5 else "")
        raise OutputRefused(f"'{folder}' already holds {shown}; use --force to replace "
                            "them (nothing else in the folder is touched)")
    return existing


# -- writing -----------------------------------------------------------------------------

_STOP: dict[str, object] = {"hold": False, "pending": None}


def _exit(signum: int):
    # A library stopped mid-write (openpyxl's row generator) complains when it is
    # finalised after its files are gone: noise, not news, for someone who stopped it.
    sys.unraisablehook = lambda _unraisable: None
    raise SystemExit(128 + signum)


def _stop(signum, _frame):
    if _STOP["hold"]:  # making or removing a temporary folder: stop right after
        _STOP["pending"] = signum
        return
    _exit(signum)


@contextmanager
def _held() -> Iterator[None]:
    """A stop that arrives in here takes effect only when it ends, so that a temporary
    folder is never made without being removed, nor left half removed."""
    _STOP["hold"] = True
    try:
        yield
    finally:
        _STOP["hold"] = False
        pending, _STOP["pending"] = _STOP["pending"], None
        if pending is not None:
            _exit(int(pending))  # type: ignore[arg-type]


@contextmanager
def stopping_cleanly() -> Iterator[None]:
    """While temporary files exist, SIGTERM (a polite stop) ends the process by raising
    SystemExit, so the temporaries are removed on the way out. A library's temporary
    files (openpyxl spools a workbook's rows, which hold people's data) go into a private
    folder of ours, removed whatever happens: a stop that lands between the library making
    a file and registering it for removal leaves nothing behind. Only in the main thread,
    and only when nothing else has claimed SIGTERM (the web server handles its own)."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        yield
        return
    signal.signal(signal.SIGTERM, _stop)
    before, folder = tempfile.tempdir, None
    try:
        with _held():
            folder = tempfile.mkdtemp(prefix="coprod-")
            tempfile.tempdir = folder
        yield
    finally:
        with _held():
            tempfile.tempdir = before
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)  # mkdir applies the umask itself
    except OSError as exc:
        raise OutputRefused(f"could not make the folder '{folder}': {exc.strerror}") from None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextmanager
def replacing(target: str | os.PathLike, *, created: bool = True,
              sidecars: Sequence[str] = ()) -> Iterator[Path]:
    """A temporary path beside TARGET for the caller (or another program) to write. When the
    block ends without error it is moved onto TARGET with normal permissions; otherwise it
    is removed. With CREATED false the path does not exist yet (for a program that insists
    on making the file itself); SIDECARS are suffixes of files such a program may add beside
    it (a database's '.wal'), removed too."""
    target = Path(target)
    _make_folder(target.parent)
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".part")
    except OSError as exc:
        raise OutputRefused(f"could not write '{target}': {exc.strerror}") from None
    os.close(handle)
    temp = Path(name)
    if not created:
        temp.unlink()
    with stopping_cleanly():
        try:
            yield temp
            os.chmod(temp, file_mode(target))
            os.replace(temp, target)
        finally:
            for leftover in (temp, *(Path(name + s) for s in sidecars)):
                _remove(leftover)


@contextmanager
def writing(target: str | os.PathLike, *, text: bool = False) -> Iterator[IO]:
    """An open file (binary, or UTF-8 text with newlines as written) whose content replaces
    TARGET when the block ends without error."""
    with replacing(target) as temp, (temp.open("w", encoding="utf-8", newline="") if text
                                     else temp.open("wb")) as stream:
        yield stream


def write_file(target: str | os.PathLike, content: bytes | str | Iterable[bytes]) -> Path:
    """Write CONTENT (bytes, text, or chunks of bytes) to TARGET, atomically."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    with writing(target) as stream:
        for chunk in [content] if isinstance(content, bytes) else content:
            stream.write(chunk)
    return Path(target)


class Staging:
    """The files of a folder output, written into a staging folder before they are moved
    into place. ``path(name)`` gives a path for another program to write."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, name: str, content: bytes | str) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.path(name).write_bytes(data)

    def files(self) -> list[Path]:
        return sorted(p.relative_to(self.root) for p in self.root.rglob("*")
                      if p.is_file() or p.is_symlink())


def _staging_place(folder: Path) -> Path:
    """Beside FOLDER when its parent is writable and on the same disk (so a killed process
    leaves nothing inside the folder); inside it otherwise (a folder at the top of a disk,
    or in a parent the user may not write to)."""
    real = folder.resolve()
    if not folder.exists():
        return real.parent
    parent = real.parent
    try:
        same_disk = os.stat(parent).st_dev == os.stat(real).st_dev
    except OSError:
        same_disk = False
    if parent != real and same_disk and os.access(parent, os.W_OK | os.X_OK):
        return parent
    return real


@contextmanager
def folder_output(folder: str | os.PathLike) -> Iterator[Staging]:
    """Stage the files of a folder output; when the block ends without error, move each one
    into FOLDER (a new folder is moved into place whole). Files in FOLDER that the output
    does not write are never touched; on failure the staging folder is removed."""
    folder = Path(folder)
    place = _staging_place(folder)
    _make_folder(place)
    try:
        root = Path(tempfile.mkdtemp(dir=place, prefix=f".{folder.resolve().name}.coprod-"))
    except OSError as exc:
        raise OutputRefused(f"could not write into '{folder}': {exc.strerror}") from None
    with stopping_cleanly():
        try:
            staging = Staging(root)
            yield staging
            _move_in(staging, folder)
        finally:
            _remove(root)


def _move_in(staging: Staging, folder: Path) -> None:
    if not folder.exists() and staging.root.parent == folder.resolve().parent:
        os.chmod(staging.root, folder_mode())
        os.rename(staging.root, folder)  # a new folder appears whole
        return
    for relative in staging.files():
        source, target = staging.root / relative, folder / relative
        _make_folder(target.parent)
        os.chmod(source, file_mode(target))
        os.replace(source, target)
