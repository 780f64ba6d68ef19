"""Why a request got no report: each refusal has its status, a code for the API, a title
and a fix for the page, and a message in plain words. The app turns any of them into a
page, or JSON under /api/; the connection is then closed, since the upload may not have
been read to its end."""

from __future__ import annotations

NOTHING_KEPT = "Nothing you sent has been kept."
ON_YOUR_COMPUTER = ("use 'coprod validate FILE' on your own computer: its limits are higher "
                    "and your file never leaves your machine")  # a link on the page
RETRY_AFTER = 30  # seconds, said to a client the service is too busy for


def seconds_words(seconds: float) -> str:
    return f"{seconds:g} second{'s' if seconds != 1 else ''}"


class Refused(Exception):
    status = 400
    code = "bad-upload"
    title = "There is a problem with the upload"
    fix = "Go back, choose a file (or paste JSON) and press 'Check my file'."
    retry_after: int | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Connection": "close"}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class BadUpload(Refused):
    """The request is not an upload we can use; the message says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"We could not check anything: {reason}.")


class TooLarge(Refused):
    """The upload (or its form's parts) is larger than the service takes."""

    status, code, title = 413, "too-large", "Your file is too large"
    fix = ("Check a smaller file, or split your projects across files. For large files, "
           + ON_YOUR_COMPUTER + ".")


class TooSlow(Refused):
    """The upload did not arrive within the time the service gives it."""

    status, code, title = 408, "too-slow", "Your file took too long to arrive"
    fix = "Try again on a faster connection, or " + ON_YOUR_COMPUTER + "."


class Busy(Refused):
    """Too many files are being received or checked: try again later."""

    status, code, title = 503, "busy", "The service is busy"
    fix = "Go back, and press 'Check my file' again in a minute."
    retry_after = RETRY_AFTER

    def __init__(self) -> None:
        super().__init__("This service is receiving or checking as many files as it can at "
                         "once, so yours was not taken: please try again in a minute. "
                         + NOTHING_KEPT)


class Stopping(Refused):
    """The server was stopped while the request was being received or checked."""

    status, code, title = 503, "stopping", "The service is stopping"
    fix = "Please try again in a few minutes."
    retry_after = 2 * RETRY_AFTER

    def __init__(self) -> None:
        super().__init__(f"This service is stopping, so your file was not checked. "
                         f"{NOTHING_KEPT}")


class CheckFailed(Refused):
    """The check of a file was stopped: it ran too long, needed too much memory, or made
    the checker stop. The service itself goes on."""

    title = "Your file could not be checked"
    fix = "Check a smaller part of the file, or " + ON_YOUR_COMPUTER + "."

    def __init__(self, status: int, code: str, why: str) -> None:
        super().__init__(f"This file could not be checked: {why}. {NOTHING_KEPT}")
        self.status, self.code = status, code

    @classmethod
    def too_long(cls, seconds: float) -> CheckFailed:
        return cls(504, "check-timeout", f"it took longer than {seconds_words(seconds)}, "
                                         "the most this service gives one file")

    @classmethod
    def too_much_memory(cls, megabytes: int) -> CheckFailed:
        return cls(422, "check-memory", "it needed more memory than this service allows "
                                        f"({megabytes:,} MB)")

    @classmethod
    def stopped(cls) -> CheckFailed:
        return cls(500, "check-failed", "it made the checker stop")
