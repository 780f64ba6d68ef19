"""Linked data: the standard as JSON-LD.

``context(version)`` is the JSON-LD context of a version, generated from its schemas and
published at ``https://coprod-standard.org/schema/<version>/context.jsonld``;
``linked(dataset, version)`` is a dataset as a JSON-LD document whose organisations,
projects and things inside projects have stable URIs (see ``vocab``); ``crosswalk()`` reads
the mapping to the Common Impact Data Standard (CIDS) that types the nodes.
"""

from .context import context, context_url
from .graph import linked
from .vocab import crosswalk

__all__ = ["context", "context_url", "crosswalk", "linked"]
