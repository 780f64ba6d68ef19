"""Pages from Jinja2 templates, with every value escaped."""

from __future__ import annotations

from functools import cache

from starlette.responses import HTMLResponse

from .. import __version__
from .advice import DOCS, for_browser
from .config import KB, MB

NAV = [("/", "Check a file"), ("/questionnaires", "Questionnaires"),
       ("/template", "Templates"), ("/checks", "The checks"), ("/api", "For developers"),
       ("/about", "About"), ("/accessibility", "Accessibility")]


@cache
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("coprod_standard.web", "templates"),
                      autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(nav=NAV, tool_version=__version__, docs=DOCS)
    env.filters.update(browser=for_browser, size=file_size)
    return env


def file_size(size: int) -> str:
    """A file's size as people read it: KB below a megabyte, else MB."""
    if size < MB:
        return f"{max(1, round(size / KB)):,} KB"
    return f"{size / MB:,.1f} MB"


def page_html(template: str, path: str = "/", **context) -> str:
    return environment().get_template(template).render(current=path, **context)


def page(template: str, request=None, status: int = 200, **context) -> HTMLResponse:
    path = request.url.path if request is not None else "/"
    return HTMLResponse(page_html(template, path, **context), status_code=status)


def problem(request, status: int, title: str, message: str, fix: str = "") -> HTMLResponse:
    """A plain-language error page."""
    return page("problem.html", request, status, title=title, message=message, fix=fix)
