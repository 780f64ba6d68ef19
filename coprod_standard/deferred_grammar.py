"""rfc3987-syntax, loaded when it is first used rather than when jsonschema is imported.

Where rfc3987-syntax is installed (jsonschema's ``format-nongpl`` extra brings it), importing
jsonschema imports it to check the ``iri`` formats, and it builds its grammar as it is
imported: about a second on this machine, paid by every ``coprod`` command, although the
standard uses no iri format. ``defer`` puts a stand-in module in its place before jsonschema
is imported; the real module is imported the first time anything of it is used (an iri
checked, any attribute read), so what it does is unchanged, only when it costs.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

NAME = "rfc3987_syntax"


class _StandIn(types.ModuleType):
    """Until it is used: the real module is imported on the first attribute read."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks (__path__, __spec__): not a use
            raise AttributeError(name)
        return getattr(_real(), name)


def _real() -> types.ModuleType:
    if isinstance(sys.modules.get(NAME), _StandIn):
        del sys.modules[NAME]
    return importlib.import_module(NAME)


def is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
    """What jsonschema calls to check an iri: the real function, imported on first use."""
    return _real().is_valid_syntax(*args, **kwargs)


def defer() -> bool:
    """Put the stand-in in place, if the module is installed and neither it nor jsonschema
    has been imported yet; whether it was."""
    if NAME in sys.modules or "jsonschema" in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(NAME)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    stand_in = _StandIn(NAME, __doc__)
    stand_in.__spec__ = spec  # find_spec keeps answering as it would
    stand_in.is_valid_syntax = is_valid_syntax
    sys.modules[NAME] = stand_in
    return True
