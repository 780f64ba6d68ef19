"""Names for linked data: namespaces, the class of each object (from the schema file that
defines it), stable URIs from org-ids and project ids, and the CIDS crosswalk."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from ..schemas import ROOT_SCHEMA, base_url, schemas_dir

SITE = base_url().split("/schema/")[0]  # https://coprod-standard.org
NS = SITE + "/ns#"
ID_BASE = SITE + "/id/"
PREFIXES = {
    "coprod": NS,
    "cids": "https://ontology.commonapproach.org/cids#",
    "org": "http://ontology.eil.utoronto.ca/tove/organization#",
    "i72": "http://ontology.eil.utoronto.ca/ISO21972/iso21972#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# Properties that are the same thing in Dublin Core wherever they appear.
WELL_KNOWN = {"id": "dcterms:identifier", "title": "dcterms:title",
              "description": "dcterms:description", "license": "dcterms:license",
              "publisher": "dcterms:publisher", "publishedDate": "dcterms:issued",
              "modified": "dcterms:modified"}
# Fields holding identifiers of other things in the same project: (class, field) -> class.
REFERENCES = {("Activity", "participantGroups"): "ParticipantGroup",
              ("Output", "coProducedBy"): "ParticipantGroup",
              ("IndicatorReport", "groupsMeasured"): "ParticipantGroup",
              ("EconomicEstimate", "outcomes"): "Outcome",
              ("ImpactRisk", "outcomes"): "Outcome"}
CROSSWALK = Path(__file__).with_name("cids-crosswalk.csv")


def class_name(schema_file: str) -> str:
    """``participant-group.schema.json`` -> ``ParticipantGroup``."""
    return "".join(part.capitalize() for part in schema_file.split(".")[0].split("-"))


def segment(name: str) -> str:
    """The URI path segment of a class: ``ParticipantGroup`` -> ``participant-group``."""
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


@cache
def classes(version: str) -> dict[tuple[str, ...], str]:
    """Path (property names, ``*`` for list items) -> class, for every object defined by a
    schema file of its own; the dataset is ``()``."""
    folder = schemas_dir() / version
    found: dict[tuple[str, ...], str] = {(): class_name(ROOT_SCHEMA)}

    def walk(schema: dict, path: tuple[str, ...]) -> None:
        for name, sub in (schema.get("properties") or {}).items():
            step = path + (name,)
            if isinstance(sub, dict) and isinstance(sub.get("items"), dict):
                sub, step = sub["items"], step + ("*",)
            if not isinstance(sub, dict):
                continue
            ref = sub.get("$ref", "")
            if ref.endswith(".schema.json") and "#" not in ref:
                found[step] = class_name(ref)
                walk(json.loads((folder / ref).read_text(encoding="utf-8")), step)
            elif "properties" in sub:
                walk(sub, step)

    walk(json.loads((folder / ROOT_SCHEMA).read_text(encoding="utf-8")), ())
    return found


def organisation_uri(org_id: str) -> str:
    return f"{ID_BASE}organisation/{quote(org_id, safe='')}"


def project_uri(project_id: str) -> str:
    return f"{ID_BASE}project/{quote(project_id, safe='')}"


def local_uri(project: str, cls: str, local_id: str) -> str:
    """A thing inside a project: ``<project URI>/<class segment>/<its id>``."""
    return f"{project}/{segment(cls)}/{quote(local_id, safe='')}"


@dataclass(frozen=True)
class Mapping:
    term: str  # ours: a class (Project) or a property (Project.title)
    kind: str  # class or property
    versions: str  # the versions that have the term, e.g. "1.0 1.1 1.2" or "1.1 1.2"
    cids: str  # the CIDS term as a compact IRI, empty when there is none
    match: str  # exact, close, broad, narrow, related or none (SKOS mapping relations)
    note: str

    def iri(self) -> str:
        prefix, _, local = self.cids.partition(":")
        return PREFIXES[prefix] + local if self.cids else ""


@cache
def crosswalk() -> tuple[Mapping, ...]:
    """The rows of ``cids-crosswalk.csv``, the mapping to the Common Impact Data Standard."""
    with CROSSWALK.open(encoding="utf-8", newline="") as handle:
        return tuple(Mapping(**row) for row in csv.DictReader(handle))


def cids_types(cls: str, version: str) -> list[str]:
    """The CIDS classes a node of class CLS also belongs to (exact and close matches)."""
    return [m.cids for m in crosswalk() if m.kind == "class" and m.term == cls and
            m.match in ("exact", "close") and version in m.versions.split()]
