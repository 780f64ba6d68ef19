"""From request to outcome: the upload goes into a folder of its own, is checked there,
and the folder is deleted before the response is sent, whatever happens."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from .config import WebConfig
from .outcome import Outcome, check_upload
from .uploads import UPLOAD_NAME, BadUpload, TooLarge, receive_body, receive_form

LEVELS = ("publish", "draft")
PASTED = "pasted JSON"

__all__ = ["BadUpload", "TooLarge", "check_request"]


async def check_request(request, config: WebConfig, *, form: bool) -> Outcome:
    """Receive and check one upload (a form with 'file' or 'json', or a raw body).
    Raises TooLarge or BadUpload; nothing of the upload outlives this call."""
    folder = Path(tempfile.mkdtemp(dir=config.work_dir))
    try:
        if form:
            upload = await receive_form(request, folder, config.max_upload_bytes)
            level = upload.fields.get("level", "publish")
            if upload.path is None:
                pasted = upload.fields.get("json", "").strip()
                if not pasted:
                    raise BadUpload("no file was chosen and no JSON was pasted")
                upload.path = folder / UPLOAD_NAME
                upload.path.write_text(pasted, encoding="utf-8")
                upload.filename = PASTED
        else:
            upload = await receive_body(request, folder, config.max_upload_bytes)
            level = request.query_params.get("level", "publish")
        if level not in LEVELS:
            raise BadUpload(f"the level must be 'publish' or 'draft', not '{level[:40]}'")
        return await run_in_threadpool(check_upload, upload.path, upload.filename,
                                       level=level, max_bytes=config.max_upload_bytes)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
