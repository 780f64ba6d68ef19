"""Keeping results, only when the person running the server asks for it: each result in
its own folder under a random token, with an expiry time; expired results are removed
whenever the store is used, and when the server starts."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
FILE = re.compile(r"[a-z0-9-]{1,40}")
META = "expires.json"


class Store:
    def __init__(self, root: Path, keep_for: timedelta) -> None:
        self.root = Path(root)
        self.keep_for = keep_for
        self.root.mkdir(parents=True, exist_ok=True)

    def new(self, now: datetime | None = None) -> tuple[str, datetime]:
        """A new, empty result under a random token; returns the token and its expiry."""
        self.sweep(now)
        token = secrets.token_urlsafe(16)
        expires = (now or datetime.now(UTC)) + self.keep_for
        folder = self.root / token
        folder.mkdir()
        (folder / META).write_text(json.dumps({"expires": expires.isoformat()}),
                                   encoding="utf-8")
        return token, expires

    def put(self, token: str, name: str, data: bytes) -> None:
        """Keep one file of a result (names are our own, never a user's)."""
        if not TOKEN.fullmatch(token) or not FILE.fullmatch(name):
            raise ValueError(f"not a token and name the store uses: {token!r}, {name!r}")
        (self.root / token / name).write_bytes(data)

    def load(self, token: str, name: str, now: datetime | None = None) -> bytes | None:
        """A kept file, or None if there is no such result or it has expired."""
        if not TOKEN.fullmatch(token) or not FILE.fullmatch(name):
            return None
        folder = self.root / token
        if self._expired(folder, now or datetime.now(UTC)):
            shutil.rmtree(folder, ignore_errors=True)
            return None
        path = folder / name
        return path.read_bytes() if path.is_file() else None

    def sweep(self, now: datetime | None = None) -> int:
        """Remove every expired result; return how many were removed."""
        now = now or datetime.now(UTC)
        removed = 0
        for folder in self.root.iterdir() if self.root.is_dir() else []:
            if folder.is_dir() and self._expired(folder, now):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed

    @staticmethod
    def _expired(folder: Path, now: datetime) -> bool:
        try:
            meta = json.loads((folder / META).read_text(encoding="utf-8"))
            return datetime.fromisoformat(meta["expires"]) <= now
        except (OSError, ValueError, KeyError, TypeError):
            return True  # unreadable or half-written: not kept
