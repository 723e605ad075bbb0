"""The domain's exceptions. Each carries a stable `code` that clients can switch on."""

from __future__ import annotations


class ResumesmithError(Exception):
    """Base of every error we raise on purpose; the API maps `code` and `status` to a problem."""

    code = "internal_error"
    status = 500
    title = "Internal error"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers: dict[str, str] = {}
        if code is not None:
            self.code = code


class InvalidInput(ResumesmithError):
    """The user's input cannot be processed as given; retrying will not help."""

    code = "invalid_input"
    status = 422
    title = "Unprocessable input"


class StageFailed(ResumesmithError):
    """A pipeline stage could not finish; the optimization fails with this code."""

    code = "stage_failed"
    title = "Pipeline stage failed"
