"""The JSON API for developers: the same checks as the pages, described by OpenAPI."""

from __future__ import annotations

import json

from starlette.responses import JSONResponse, Response

from .. import __version__
from ..checks.listing import catalogue_rows
from ..reporters.json_report import render as json_report
from ..schemas import latest_version, version_names
from .intake import check_request
from .openapi import spec


async def validate(request):
    """POST a dataset (as the body, or as the form field 'file'); get the JSON report.
    A refusal (too large, too slow, busy, not checked) is answered as JSON by the app."""
    config = request.app.state.config
    form = request.headers.get("content-type", "").startswith("multipart/form-data")
    outcome = await check_request(request, config, form=form)
    body = json_report([outcome.report])
    return Response(body, media_type="application/json")


async def checks(request):
    return JSONResponse(catalogue_rows(show_all=request.query_params.get("all") == "true"))


async def versions(request):
    return JSONResponse({"versions": version_names(), "latest": latest_version(),
                         "toolVersion": __version__})


async def openapi(request):
    return Response(json.dumps(spec(request.app.state.config), indent=2),
                    media_type="application/json")
