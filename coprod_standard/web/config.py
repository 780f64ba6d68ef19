"""The web validator's settings, with safe defaults: loopback only, nothing kept."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

MB = 1024 * 1024


@dataclass
class WebConfig:
    max_upload_bytes: int = 20 * MB
    # Results are kept only if this is set (for example timedelta(hours=24)).
    keep_for: timedelta | None = None
    results_dir: Path | None = None  # where kept results go (needed with keep_for)
    # Each request's upload is processed in its own folder under here, deleted before the
    # response is sent.
    work_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="coprod-web-")))

    def __post_init__(self) -> None:
        self.work_dir = Path(self.work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        if self.keep_for is not None and self.results_dir is None:
            raise ValueError("keeping results needs a folder to keep them in")

    @property
    def limit_words(self) -> str:
        size = self.max_upload_bytes
        return f"{size / MB:g} MB" if size >= MB else f"{size // 1024:,} KB"
