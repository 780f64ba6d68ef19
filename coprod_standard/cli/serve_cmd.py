"""coprod serve: the web validator, on this computer by default."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. The default is this computer only; use 0.0.0.0 "
                   "to let others on the network in.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="The port to listen on.")
@click.option("--max-upload", "max_upload", default=20, show_default=True,
              type=click.IntRange(1, 1000), help="The largest upload accepted, in MB.")
@click.option("--keep-results", "keep_hours", default=0, show_default=True,
              type=click.FloatRange(0, 24 * 90),
              help="Hours to keep each result (0: keep nothing, the default).")
@click.option("--results-folder", type=click.Path(file_okay=False),
              help="Where kept results go (needed with --keep-results).")
def serve(host: str, port: int, max_upload: int, keep_hours: float,
          results_folder: str | None) -> None:
    """Start the web validator: upload a file or paste JSON, get a verdict in plain English.
    Also a JSON API, described at /api/openapi.json."""
    if keep_hours and not results_folder:
        raise click.UsageError("--keep-results needs --results-folder")
    import uvicorn

    from ..web import create_app
    from ..web.config import MB, WebConfig

    config = WebConfig(max_upload_bytes=max_upload * MB,
                       keep_for=timedelta(hours=keep_hours) if keep_hours else None,
                       results_dir=Path(results_folder) if results_folder else None)
    click.echo(f"The validator is at http://{host}:{port}/ (press Ctrl+C to stop). "
               + ("Uploads are not kept." if not keep_hours else
                  f"Results are kept for {keep_hours:g} hours in {results_folder}."))
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning",
                server_header=False)
