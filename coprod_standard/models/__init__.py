"""Typed models of the standard, one module per version (``v1_0``, ``v1_1``, ``v1_2``),
generated from the schemas by ``python -m coprod_standard.generate``.

They need pydantic v2 (``pip install "coprod-standard[models]"``); nothing else in coprod
imports them, so the rest of the toolkit works without it.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def for_version(version: str) -> ModuleType:
    """The models of VERSION ("1.0", "1.1", ...): ``for_version(data["version"]).Dataset``.
    Raises ValueError for a version with no models, ImportError without pydantic."""
    try:
        return importlib.import_module(f"{__name__}.v{version.replace('.', '_')}")
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith(__name__):
            raise ValueError(f"there are no models of version {version!r}") from None
        raise
