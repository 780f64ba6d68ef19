"""docs/schema/<version>/context.jsonld (each version's JSON-LD context, published beside
its schema files) and docs/schema/cids-crosswalk.csv (the mapping to the Common Impact Data
Standard), from the schemas and ``coprod_standard/linked/cids-crosswalk.csv``."""

from __future__ import annotations

import json

from ..linked.context import context
from ..linked.vocab import CROSSWALK
from ..schemas import version_names


def files() -> dict[str, str]:
    """Path under docs/ -> text, for every file of linked data; ``published`` writes them
    beside the schema files (and removes what is no longer among them)."""
    out = {f"schema/{v}/context.jsonld": json.dumps(context(v), indent=2) + "\n"
           for v in version_names()}
    out["schema/cids-crosswalk.csv"] = CROSSWALK.read_text(encoding="utf-8")
    return out
