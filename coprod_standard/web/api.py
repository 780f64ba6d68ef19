"""The JSON API for developers: the same checks as the pages, described by OpenAPI."""

from __future__ import annotations

import json

from starlette.responses import JSONResponse, Response

from .. import __version__
from ..checks.listing import catalogue_rows
from ..reporters.json_report import render as json_report
from ..schemas import latest_version, version_names
from .intake import BadUpload, TooLarge, check_request
from .openapi import spec


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


async def validate(request):
    """POST a dataset (as the body, or as the form field 'file'); get the JSON report."""
    config = request.app.state.config
    form = request.headers.get("content-type", "").startswith("multipart/form-data")
    try:
        outcome = await check_request(request, config, form=form)
    except TooLarge:
        return _error(413, "too-large", f"The upload is larger than this service's limit of "
                                        f"{config.limit_words}.")
    except BadUpload as exc:
        return _error(400, "bad-upload", f"The request could not be used: {exc}.")
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
