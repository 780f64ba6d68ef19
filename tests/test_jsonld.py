"""Linked data: each version's JSON-LD context is generated from its schemas and published
under docs/schema/<version>/; `coprod convert DATASET out.jsonld` writes a document that a
JSON-LD processor (pyld) expands, using only the published context, into RDF (parsed by
rdflib) with stable URIs for organisations, projects and what is inside them, and the
Common Impact Data Standard's classes beside ours."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from pyld import jsonld
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from coprod_standard.generate.linked_data import files
from coprod_standard.linked import context, crosswalk, linked
from coprod_standard.linked.vocab import NS, PREFIXES, REFERENCES, classes, segment
from coprod_standard.readers import read
from coprod_standard.schemas import version_names
from tests.conftest import EXAMPLES, FIXTURES, ROOT, run_coprod

DOCS = ROOT / "docs"
CIDS = Namespace(PREFIXES["cids"])
COPROD = Namespace(NS)
DCT = Namespace(PREFIXES["dcterms"])
ID = "https://coprod-standard.org/id/"
DATASETS = (EXAMPLES + sorted((FIXTURES / "earlier-examples").glob("*.json"))
            + sorted(FIXTURES.glob("*/valid/*/input.json")))


def published_only(url, options=None):
    """A document loader that serves the published contexts from docs/ and refuses any
    other address, so that nothing is fetched."""
    prefix = "https://coprod-standard.org/schema/"
    if not url.startswith(prefix) or not url.endswith("/context.jsonld"):
        raise AssertionError(f"the JSON-LD processor tried to fetch {url}")
    path = DOCS / "schema" / url[len(prefix):]
    return {"contextUrl": None, "documentUrl": url,
            "document": json.loads(path.read_text(encoding="utf-8"))}


def graph_of(document: dict) -> Graph:
    quads = jsonld.to_rdf(document, {"format": "application/n-quads",
                                     "documentLoader": published_only})
    return Graph().parse(data=quads, format="nt")


def _dataset(path):
    return read(path).data


@pytest.mark.parametrize("relative", sorted(files()))
def test_published_contexts_and_crosswalk_are_up_to_date(relative):
    assert (DOCS / relative).read_text(encoding="utf-8") == files()[relative], (
        f"docs/{relative} is out of date: run python -m coprod_standard.generate")


@pytest.mark.parametrize("version", version_names())
def test_the_context_names_every_field_and_class_of_its_version(version):
    from coprod_standard.fields import fields

    terms = context(version)["@context"]
    names = {f.name for f in fields(version).values() if f.name and f.name != "$schema"}
    assert names - set(terms) == set()
    assert set(classes(version).values()) <= set(terms)
    assert terms["publishedDate"] == {"@id": "dcterms:issued", "@type": "xsd:date"}


@pytest.mark.parametrize("path", DATASETS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_expands_to_rdf_with_stable_uris_and_cids_types(path):
    dataset = _dataset(path)
    version = dataset["version"]
    g = graph_of(linked(dataset, version))
    publisher = URIRef(ID + "organisation/" + dataset["publisher"]["id"])
    assert (publisher, RDF.type, CIDS.Organization) in g
    assert (None, DCT.publisher, publisher) in g
    for project in dataset["projects"]:
        uri = URIRef(ID + "project/" + project["id"])
        assert (uri, RDF.type, COPROD.Project) in g and (uri, RDF.type, CIDS.Program) in g
        assert (uri, DCT.title, Literal(project["title"])) in g
        assert (uri, COPROD.startDate, Literal(project["startDate"], datatype=XSD.date)) in g
        for outcome in project.get("outcomes", []):
            node = URIRef(f"{uri}/outcome/{outcome['id']}")
            assert (uri, COPROD.outcomes, node) in g
            assert (node, RDF.type, CIDS.Outcome) in g
            for indicator in outcome.get("indicators", []):
                assert (node, COPROD.indicators,
                        URIRef(f"{uri}/indicator/{indicator['id']}")) in g
        for activity in project.get("activities", []):
            for group in activity.get("participantGroups", []):
                target = URIRef(f"{uri}/participant-group/{group}")
                assert (target, RDF.type, CIDS.Stakeholder) in g
                assert (None, COPROD.participantGroups, target) in g
    # nothing is dropped: every field name of the dataset is a predicate in the graph
    used = {str(p) for p in g.predicates()}
    terms = context(version)["@context"]
    for key in _keys(dataset):
        term = terms.get(key, NS + key)
        iri = term["@id"] if isinstance(term, dict) else term
        prefix, _, local = iri.partition(":")
        assert PREFIXES.get(prefix, prefix + ":") + local in used, key


def _keys(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if value not in (None, [], {}):
                yield key
                yield from _keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keys(item)


def _typed_nodes(node):
    if isinstance(node, dict):
        if "@type" in node:
            yield node
        for value in node.values():
            yield from _typed_nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _typed_nodes(item)


@pytest.mark.parametrize("path", DATASETS[:len(EXAMPLES)], ids=lambda p: p.name)
def test_references_between_things_in_a_project_become_links(path):
    dataset = json.loads(path.read_text(encoding="utf-8"))
    for project in linked(dataset, dataset["version"])["projects"]:
        ids = {n["@id"] for n in _typed_nodes(project) if "@id" in n}
        for node in _typed_nodes(project):
            cls = node["@type"][0] if isinstance(node["@type"], list) else node["@type"]
            for (owner, field), target in REFERENCES.items():
                if owner == cls:
                    for ref in node.get(field, []):
                        assert ref.startswith(f"{project['@id']}/{segment(target)}/")
                        assert ref in ids, f"{cls}.{field} names {ref}, which is not a node"


def test_convert_writes_jsonld_by_name_and_with_to(tmp_path):
    source = ROOT / "examples" / "peer-support-network.json"
    result = run_coprod("convert", source, tmp_path / "out.jsonld")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    written = json.loads((tmp_path / "out.jsonld").read_text(encoding="utf-8"))
    version = written["version"]
    assert written["@context"] == f"https://coprod-standard.org/schema/{version}/context.jsonld"
    assert len(graph_of(written)) > 100
    again = run_coprod("convert", source, tmp_path / "linked", "--to", "jsonld")
    assert again.returncode == 0 and (tmp_path / "linked").read_bytes() == (
        tmp_path / "out.jsonld").read_bytes()


def test_a_keyword_in_the_data_cannot_change_the_graph():
    dataset = json.loads((ROOT / "examples" / "minimal.json").read_text(encoding="utf-8"))
    dataset["projects"][0]["@id"] = "https://elsewhere.example/"
    document = linked(dataset, dataset["version"])
    assert document["projects"][0]["@id"].startswith(ID + "project/")


def test_the_crosswalk_names_real_terms_and_its_page_describes_it():
    with (DOCS / "schema" / "cids-crosswalk.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(crosswalk()) >= 30
    page = (DOCS / "linked-data.md").read_text(encoding="utf-8")
    for mapping in crosswalk():
        cls, _, prop = mapping.term.partition(".")
        for version in mapping.versions.split():
            assert cls in set(classes(version).values()), mapping.term
            terms = context(version)["@context"]
            assert not prop or prop in terms, mapping.term
        assert mapping.match in ("exact", "close", "broad", "narrow", "related", "none")
        assert bool(mapping.cids) == (mapping.match != "none")
        assert not mapping.cids or mapping.iri().startswith(tuple(PREFIXES.values()))
        if mapping.kind == "class":
            assert f"`{mapping.term}`" in page, mapping.term


def test_the_offline_example_on_the_docs_page_runs(tmp_path, monkeypatch):
    page = (DOCS / "linked-data.md").read_text(encoding="utf-8")
    code = page.split("```python\n", 1)[1].split("```", 1)[0]
    dataset = json.loads((ROOT / "examples" / "time-bank.json").read_text(encoding="utf-8"))
    (tmp_path / "my-dataset.jsonld").write_text(json.dumps(linked(dataset, dataset["version"])))
    shutil.copytree(DOCS / "schema", tmp_path / "docs" / "schema")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "linked-data.md", "exec"), scope)
    assert len(scope["graph"]) > 100
