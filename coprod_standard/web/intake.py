"""From request to outcome: the upload goes into a folder of its own, is checked there (in
a process of its own), and the folder is deleted before the response is sent, whatever
happens. At most ``max_uploads`` requests are taken at once (more are refused at once,
before anything is read) and at most ``max_checks`` checks run at once (a request waits
for one up to ``check_seconds``, then is refused)."""

from __future__ import annotations

import asyncio
import shutil
from contextlib import asynccontextmanager

from ..checks import POLICIES
from .checker import check_in_child, run_in_child
from .config import WebConfig
from .outcome import Outcome
from .questionnaires import BY, Aggregated, aggregate_upload, applied_by_words
from .refusals import BadUpload, Busy, Stopping, TooLarge
from .uploads import UPLOAD_NAME, receive_body, receive_form
from .work import request_folder

LEVELS = ("publish", "draft")
PASTED = "pasted JSON"

__all__ = ["BadUpload", "Gate", "TooLarge", "aggregate_request", "check_request"]


class Gate:
    """How many requests are being taken, and checks run, at once."""

    def __init__(self, config: WebConfig) -> None:
        self.max_uploads, self.taken = config.max_uploads, 0
        self.wait = config.check_seconds
        self.checks = asyncio.Semaphore(config.max_checks)

    @asynccontextmanager
    async def upload(self):
        if self.taken >= self.max_uploads:
            raise Busy()
        self.taken += 1
        try:
            yield
        finally:
            self.taken -= 1

    @asynccontextmanager
    async def check(self):
        try:
            async with asyncio.timeout(self.wait):
                await self.checks.acquire()
        except TimeoutError:
            raise Busy() from None
        try:
            yield
        finally:
            self.checks.release()


async def check_request(request, config: WebConfig, *, form: bool) -> Outcome:
    """Receive and check one upload (a form with 'file' or 'json', or a raw body).
    Raises a Refused; nothing of the upload outlives this call."""
    return await _stoppable(_check_request(request, config, form=form))


async def aggregate_request(request, config: WebConfig) -> Aggregated:
    """Receive a questionnaire responses file (a form with 'file', 'disclosure', 'by' and
    'applied_by') and aggregate it. Raises a Refused; nothing of the upload outlives
    this call."""
    return await _stoppable(_aggregate_request(request, config))


async def _stoppable(work):
    try:
        return await work
    except asyncio.CancelledError:  # the server is stopping, its only reason to cancel
        asyncio.current_task().uncancel()
        raise Stopping() from None


async def _check_request(request, config: WebConfig, *, form: bool) -> Outcome:
    gate: Gate = request.app.state.gate
    async with gate.upload():
        folder = request_folder(config.work_dir)
        try:
            if form:
                upload = await receive_form(request, folder, config)
                level = upload.fields.get("level", "publish")
                if upload.path is None:
                    pasted = upload.fields.get("json", "").strip()
                    if not pasted:
                        raise BadUpload("no file was chosen and no JSON was pasted")
                    upload.path = folder / UPLOAD_NAME
                    upload.path.write_text(pasted, encoding="utf-8")
                    upload.filename = PASTED
            else:
                upload = await receive_body(request, folder, config)
                level = request.query_params.get("level", "publish")
            if level not in LEVELS:
                raise BadUpload(f"the level must be 'publish' or 'draft', not '{level[:40]}'")
            async with gate.check():
                return await check_in_child(folder, upload.path, upload.filename, level,
                                            config)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


async def _aggregate_request(request, config: WebConfig) -> Aggregated:
    gate: Gate = request.app.state.gate
    async with gate.upload():
        folder = request_folder(config.work_dir)
        try:
            upload = await receive_form(request, folder, config)
            if upload.path is None:
                raise BadUpload("no responses file was chosen")
            policy = upload.fields.get("disclosure", "nhs-digital")
            by = upload.fields.get("by", "")
            if policy not in POLICIES:
                raise BadUpload(f"the disclosure policy must be one of "
                                f"{', '.join(sorted(POLICIES))}, not '{policy[:40]}'")
            if by not in BY:
                raise BadUpload(f"the breakdown must be one of {', '.join(b for b in BY if b)}"
                                f", not '{by[:40]}'")
            args = (str(upload.path), upload.filename, policy, by,
                    applied_by_words(upload.fields.get("applied_by", "")),
                    config.max_upload_bytes)
            async with gate.check():
                return await run_in_child(folder, aggregate_upload, args, config)
        except BadUpload as exc:
            exc.fix = ("Go back, choose a questionnaire responses file and press 'Score and "
                       "aggregate'.")
            raise
        finally:
            shutil.rmtree(folder, ignore_errors=True)
