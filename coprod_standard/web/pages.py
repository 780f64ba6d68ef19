"""The pages people use: upload, results, templates, the checks, about, accessibility."""

from __future__ import annotations

import base64
from functools import lru_cache

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from ..checks.listing import catalogue_rows
from ..schemas import latest_version, version_names
from .intake import aggregate_request, check_request
from .outcome import file_stem
from .questionnaires import BY, EXAMPLES, POLICY_WORDS
from .render import page, page_html, problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
TEMPLATE_FILES = {  # name in the address: (label, media type)
    **{f"dataset-{v}.{kind}": (f"Dataset template, version {v} ({words})", media)
       for v in version_names()
       for kind, words, media in (("xlsx", "Excel workbook", XLSX),
                                  ("ods", "LibreOffice or OpenDocument spreadsheet", ODS))},
    "responses.xlsx": ("Questionnaire responses template (Excel workbook)", XLSX),
    "responses.ods": ("Questionnaire responses template (LibreOffice or OpenDocument "
                      "spreadsheet)", ODS),
    "responses.csv": ("Questionnaire responses template (CSV)", "text/csv; charset=utf-8"),
}
KEPT = {"report": ("report.json", "application/json"),  # a kept download: file name, type
        "json": ("dataset.json", "application/json"),
        "xlsx": ("dataset.xlsx", XLSX),
        "datapackage": ("datapackage.zip", "application/zip")}


async def home(request):
    config = request.app.state.config
    return page("index.html", request, config=config, level="publish",
                latest=latest_version())


async def check(request):
    config = request.app.state.config
    outcome = await check_request(request, config, form=True)  # a refusal: the app's page
    store = request.app.state.store
    if store is None:
        return page("results.html", request, outcome=outcome, kept=None,
                    links={d.kind: d.data_uri for d in outcome.downloads})
    token, expires = store.new()
    for download in outcome.downloads:
        store.put(token, download.kind, download.data)
    links = {d.kind: f"/results/{token}/{d.kind}" for d in outcome.downloads}
    html = page_html("results.html", "/check", outcome=outcome, links=links,
                     kept={"token": token, "expires": expires.strftime("%d %B %Y, %H:%M UTC")})
    store.put(token, "page", html.encode("utf-8"))
    return RedirectResponse(f"/results/{token}", status_code=303)  # reloading is safe


async def questionnaires(request):
    return page("questionnaires.html", request, config=request.app.state.config,
                policies=POLICY_WORDS, by=BY)


async def aggregated(request):
    """The aggregate of a questionnaire file: never kept, even when results are (the page
    names problems by respondent reference), its download inside the page."""
    result = await aggregate_request(request, request.app.state.config)
    stem = file_stem(result.filename)
    link = "data:application/json;base64," + base64.b64encode(result.document).decode()
    return page("aggregated.html", request, result=result, policies=POLICY_WORDS, by=BY,
                examples=EXAMPLES,
                download={"href": link, "name": f"{stem}-aggregate.json",
                          "size": len(result.document)})


async def kept_result(request):
    store = request.app.state.store
    token, kind = request.path_params["token"], request.path_params.get("kind", "page")
    data = store.load(token, kind) if store is not None else None
    if data is None:
        return problem(request, 404, "These results are not here",
                       "They may have expired and been deleted, or the address is wrong.",
                       "Check your file again.")
    if kind == "page":
        return Response(data, media_type="text/html")
    filename, media = KEPT.get(kind, ("result", "application/octet-stream"))
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def templates(request):
    return page("templates.html", request, files=TEMPLATE_FILES, latest=latest_version())


async def template_file(request):
    name = request.path_params["name"]
    if name not in TEMPLATE_FILES:
        return problem(request, 404, "There is no such template",
                       "The address does not name one of our templates.",
                       "Choose a template from the templates page.")
    data = await run_in_threadpool(_template, name)  # the page goes on serving meanwhile
    return Response(data, media_type=TEMPLATE_FILES[name][1],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@lru_cache(maxsize=len(TEMPLATE_FILES))
def _template(name: str) -> bytes:
    """A template's bytes, made once (the .ods dataset template takes seconds)."""
    from ..writers.ods_out import ods_bytes
    from ..writers.responses_out import responses_csv, responses_workbook
    from ..writers.xlsx_out import workbook_bytes

    stem, _, kind = name.rpartition(".")
    if name == "responses.csv":
        return responses_csv().encode("utf-8")
    book = responses_workbook() if stem == "responses" else \
        workbook_bytes(None, stem.removeprefix("dataset-"))
    return ods_bytes(book) if kind == "ods" else book


async def checks(request):
    return page("checks.html", request, rows=catalogue_rows())


async def about(request):
    return page("about.html", request, config=request.app.state.config)


async def accessibility(request):
    return page("accessibility.html", request)


async def api_page(request):
    return page("api.html", request, config=request.app.state.config)
