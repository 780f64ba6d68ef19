"""The web validator: a page where anyone can drop a file and get a verdict in plain
English, and a JSON API for developers. Nothing uploaded is kept unless the server is
started with a retention period. Each check runs in a process of its own, within the
deployment limits of its ``WebConfig``.

    from coprod_standard.web import create_app
    app = create_app()          # an ASGI app; 'coprod serve' runs it with uvicorn
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib.resources import files

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import api, pages
from .checker import stop_all
from .config import WebConfig
from .intake import Gate
from .refusals import Refused
from .render import problem
from .retention import Store
from .work import remove_work

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class SecurityHeaders:
    """Adds the security headers to every response (plain ASGI, so streaming is kept)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS.items():
                    if key.lower().encode() not in present:
                        headers.append((key.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, with_headers)


def _api(request) -> bool:
    return request.url.path.startswith("/api/")


async def _not_found(request, exc):
    if _api(request):
        return JSONResponse({"error": "not-found", "message": "There is no such address."},
                            status_code=getattr(exc, "status_code", 404))
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return problem(request, 405, "This page cannot be used that way",
                       "The address exists, but not for what the browser asked.",
                       "Go to the home page and start again.")
    return problem(request, 404, "Page not found", "There is no page at this address.",
                   "Check the address, or go to the home page.")


async def _refused(request, exc: Refused):
    if _api(request):
        return JSONResponse({"error": exc.code, "message": exc.message},
                            status_code=exc.status, headers=exc.headers)
    response = problem(request, exc.status, exc.title, exc.message, exc.fix)
    response.headers.update(exc.headers)
    return response


FAULT = ("The check could not finish because of a fault in this service, not in your "
         "file. Nothing you sent has been kept.")


async def _server_error(request, exc):
    if _api(request):
        return JSONResponse({"error": "server-fault", "message": FAULT}, status_code=500)
    return problem(request, 500, "Sorry, something went wrong", FAULT,
                   "Try again later, or use 'coprod validate FILE' on your computer.")


def create_app(config: WebConfig | None = None) -> Starlette:
    config = config or WebConfig()
    store = Store(config.results_dir, config.keep_for) if config.keep_for else None
    if store is not None:
        store.sweep()

    @asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:  # the server is stopping: no check, no upload outlives it
            stop_all()
            remove_work(config.work_dir, config.owns_work_dir)
    routes = [
        Route("/", pages.home),
        Route("/check", pages.check, methods=["POST"]),
        Route("/results/{token}", pages.kept_result),
        Route("/results/{token}/{kind}", pages.kept_result),
        Route("/questionnaires", pages.questionnaires),
        Route("/questionnaires/aggregate", pages.aggregated, methods=["POST"]),
        Route("/template", pages.templates),
        Route("/template/{name}", pages.template_file),
        Route("/checks", pages.checks),
        Route("/about", pages.about),
        Route("/accessibility", pages.accessibility),
        Route("/api", pages.api_page),
        Route("/api/validate", api.validate, methods=["POST"]),
        Route("/api/checks", api.checks),
        Route("/api/versions", api.versions),
        Route("/api/openapi.json", api.openapi),
        Mount("/static", StaticFiles(directory=str(files(__package__) / "static")),
              name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], lifespan=lifespan,
                    exception_handlers={404: _not_found, 405: _not_found, Refused: _refused,
                                        500: _server_error, Exception: _server_error})
    app.state.config = config
    app.state.store = store
    app.state.gate = Gate(config)
    return app
