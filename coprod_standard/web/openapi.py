"""The API's OpenAPI 3.1 description. Its schemas are JSON Schema 2020-12, so the tests
check real responses against them."""

from __future__ import annotations

from typing import Any

from .. import __version__
from .config import MB, size_words
from .refusals import seconds_words

SEVERITY = {"type": "string", "enum": ["error", "warning", "advisory"]}
LOCATION = {"type": "object", "additionalProperties": False, "properties": {
    "file": {"type": "string"}, "line": {"type": "integer"}, "column": {"type": "integer"},
    "sheet": {"type": "string"}, "row": {"type": "integer"},
    "column_letter": {"type": "string"}, "column_title": {"type": "string"}}}
ISSUE = {"type": "object", "required": ["code", "severity", "category", "message", "fix"],
         "properties": {"code": {"type": "string"}, "severity": SEVERITY,
                        "category": {"type": "string"}, "message": {"type": "string"},
                        "fix": {"type": "string"}, "path": {"type": "string"},
                        "location": LOCATION}}
FILE_REPORT = {"type": "object", "required": [
    "source", "status", "valid", "version", "errors", "warnings", "advisories", "issues",
    "summary", "principles"], "properties": {
    "source": {"type": "string"},
    "status": {"type": "string", "enum": ["valid", "invalid", "unreadable"]},
    "valid": {"type": "boolean"}, "version": {"type": ["string", "null"]},
    "projects": {"type": "integer"}, "errors": {"type": "integer"},
    "warnings": {"type": "integer"}, "advisories": {"type": "integer"},
    "level": {"type": "string", "enum": ["schema", "draft", "publish"]},
    "disclosure": {"type": ["object", "null"], "description": "The small-numbers policy the "
                   "data was checked under, and where it came from: the dataset's "
                   "disclosureControl record, an option, or the default.", "properties": {
                       "policy": {"type": "string", "enum": ["nhs-digital", "threshold-10"]},
                       "from": {"type": "string", "enum": ["dataset", "option", "default"]},
                       "recorded": {"type": ["string", "null"]}}},
    "summary": {"type": "array", "items": {"type": "object", "required": [
        "code", "count", "recordsAffected", "share"]}},
    "principles": {"type": "object"},
    "issues": {"type": "array", "items": {"$ref": "#/components/schemas/Issue"}}}}
REPORT = {"type": "object", "required": ["tool", "toolVersion", "valid", "files"],
          "properties": {"tool": {"const": "coprod"}, "toolVersion": {"type": "string"},
                         "valid": {"type": "boolean"},
                         "files": {"type": "array", "minItems": 1, "maxItems": 1,
                                   "items": {"$ref": "#/components/schemas/FileReport"}}}}
ERROR = {"type": "object", "required": ["error", "message"],
         "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}
CHECK = {"type": "object", "required": ["code", "severity", "category", "title", "serves",
                                        "levels", "explanation"],
         "properties": {"code": {"type": "string"}, "severity": SEVERITY,
                        "category": {"type": "string"}, "title": {"type": "string"},
                        "serves": {"type": "string"},
                        "levels": {"type": "array", "items": {"type": "string"}},
                        "explanation": {"type": "string"}}}


def _json(schema_name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def spec(config) -> dict[str, Any]:
    binary = {"type": "string", "contentMediaType": "application/octet-stream"}
    rate, memory = size_words(config.min_upload_rate), config.check_memory_bytes // MB
    return {
        "openapi": "3.1.0",
        "info": {"title": "Co-production Data Standard validator", "version": __version__,
                 "description": "Check datasets in the Co-production Data Standard. Nothing "
                                "you send is kept unless the server says so."},
        "paths": {
            "/api/validate": {"post": {
                "operationId": "validate",
                "summary": "Check a dataset: JSON, an Excel workbook, a zip of CSV files "
                           "or a data package (zip).",
                "parameters": [
                    {"name": "level", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["publish", "draft"],
                                "default": "publish"}},
                    {"name": "name", "in": "query", "required": False,
                     "description": "The file's name, used in messages only.",
                     "schema": {"type": "string", "maxLength": 200}}],
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": {}},
                    "application/octet-stream": {"schema": binary},
                    "multipart/form-data": {"schema": {
                        "type": "object", "properties": {"file": binary}}}}},
                "responses": {
                    "200": _json("Report", "The report: status valid, invalid or "
                                           "unreadable, with every issue."),
                    "400": _json("Error", "No file, or a malformed request."),
                    "408": _json("Error", f"too-slow: the upload did not arrive within "
                                          f"{seconds_words(config.upload_seconds)}, or came "
                                          f"more slowly than {rate} a second."),
                    "413": _json("Error", f"too-large: larger than the limit "
                                          f"({config.limit_words}), or a form with more "
                                          "parts or longer part headers than it needs."),
                    "422": _json("Error", f"check-memory: the check needed more memory "
                                          f"than the service allows ({memory:,} MB)."),
                    "500": _json("Error", "check-failed: the file made the checker stop; "
                                          "server-fault: a fault in the service."),
                    "503": {**_json("Error", "busy: the service is receiving or checking as "
                                             "many files as it can; try again after the "
                                             "seconds in Retry-After."),
                            "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
                    "504": _json("Error", f"check-timeout: the check took longer than "
                                          f"{seconds_words(config.check_seconds)}."),
                }}},
            "/api/checks": {"get": {
                "operationId": "checks", "summary": "The catalogue of checks.",
                "parameters": [{"name": "all", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": ["true", "false"]}}],
                "responses": {"200": {"description": "Every check.", "content": {
                    "application/json": {"schema": {"type": "array", "items": {
                        "$ref": "#/components/schemas/Check"}}}}}}}},
            "/api/versions": {"get": {
                "operationId": "versions", "summary": "The versions of the standard.",
                "responses": {"200": {"description": "Versions.", "content": {
                    "application/json": {"schema": {"type": "object", "required": [
                        "versions", "latest"]}}}}}}},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This description.",
                "responses": {"200": {"description": "OpenAPI 3.1.", "content": {
                    "application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {"Report": REPORT, "FileReport": FILE_REPORT,
                                   "Issue": ISSUE, "Error": ERROR, "Check": CHECK}},
    }
