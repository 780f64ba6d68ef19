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
@click.option("--max-uploads", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="Files being received or checked at once; more are asked to come back "
                   "later (503).")
@click.option("--max-checks", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Checks running at once (each in a process of its own); other files "
                   "wait for one.")
@click.option("--check-timeout", default=120, show_default=True,
              type=click.IntRange(1, 3600),
              help="Seconds one check may take before it is stopped.")
@click.option("--check-memory", default=2048, show_default=True,
              type=click.IntRange(16, 1024 * 1024),
              help="Memory one check may use, in MB, beyond the checker's own.")
@click.option("--upload-timeout", default=300, show_default=True,
              type=click.IntRange(1, 3600),
              help="Seconds an upload may take to arrive, in all.")
@click.option("--min-upload-rate", default=10, show_default=True,
              type=click.IntRange(1, 1024 * 1024),
              help="The slowest an upload may arrive after its first 10 seconds, in KB a "
                   "second on average.")
@click.option("--header-timeout", default=10, show_default=True, type=click.IntRange(1, 600),
              help="Seconds a connection may take to send a request's headers.")
@click.option("--max-connections", default=100, show_default=True,
              type=click.IntRange(1, 100_000), help="Open connections at once; more are "
                                                   "closed.")
def serve(host: str, port: int, max_upload: int, keep_hours: float,
          results_folder: str | None, max_uploads: int, max_checks: int, check_timeout: int,
          check_memory: int, upload_timeout: int, min_upload_rate: int, header_timeout: int,
          max_connections: int) -> None:
    """Start the web validator: upload a file or paste JSON, get a verdict in plain English.
    Also a JSON API, described at /api/openapi.json. The limits that keep one file or
    client from holding the service are described in docs/web.md."""
    if keep_hours and not results_folder:
        raise click.UsageError("--keep-results needs --results-folder")
    from ..web.config import KB, MB, WebConfig
    from ..web.server import run

    config = WebConfig(max_upload_bytes=max_upload * MB,
                       keep_for=timedelta(hours=keep_hours) if keep_hours else None,
                       results_dir=Path(results_folder) if results_folder else None,
                       max_uploads=max_uploads, max_checks=max_checks,
                       check_seconds=check_timeout, check_memory_bytes=check_memory * MB,
                       upload_seconds=upload_timeout, min_upload_rate=min_upload_rate * KB,
                       header_seconds=header_timeout, max_connections=max_connections)
    click.echo(f"The validator is at http://{host}:{port}/ (press Ctrl+C to stop). "
               + ("Uploads are not kept." if not keep_hours else
                  f"Results are kept for {keep_hours:g} hours in {results_folder}."))
    run(config, host, port)
