"""Errors a service raises that the user can act on (validation lives in app.domain)."""

from __future__ import annotations

from app.domain.validation import ValidationError


class NotFound(LookupError):
    """The record is gone (deleted, or another workstation removed it)."""


class NotAllowed(PermissionError):
    """The signed-in user may not change this."""


class ConflictError(RuntimeError):
    """Someone else saved this record since it was opened."""

    def __init__(self, what: str, changed_by: str | None) -> None:
        who = f" by {changed_by}" if changed_by else ""
        super().__init__(f"{what} was changed{who} after you opened it.")


__all__ = ["ConflictError", "NotAllowed", "NotFound", "ValidationError"]
