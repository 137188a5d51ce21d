"""Texts defined at import time (column headers, their tips) and shown in the screen's
language when they are shown, so that a change of language needs no restart.

A column's header is one of:

- an ``N_("Quote")`` text, translated with ``_()`` where it is shown;
- an ``NP_("document", "Order")`` pair, translated with ``pgettext()``;
- a ``FieldLabel("quote.status")``: the field's label from app.domain.fields, the one
  catalogue of field names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain.fields import label
from app.i18n import _, pgettext


@dataclass(frozen=True, slots=True)
class FieldLabel:
    """A field's label, looked up each time it is shown. `short`: the narrow column's form
    where the field has one; its tip is then the full label."""

    key: str
    short: bool = False

    def __call__(self) -> str:
        return label(self.key, short=self.short)

    def tip(self) -> str:
        """The full label where the header shows the short one, else ''."""
        full = label(self.key)
        return full if self.short and full != self() else ""


# What a header or a tip may be: see the module's docstring.
ShownText = str | tuple[str, str] | Callable[[], str]


def shown(text: ShownText) -> str:
    """The text in the screen's language now."""
    if isinstance(text, str):
        return _(text) if text else ""
    if isinstance(text, tuple):
        return pgettext(*text)
    return text()


def tip_of(text: ShownText) -> str:
    """The tooltip a header has without one of its own: a short field label's full form."""
    return text.tip() if isinstance(text, FieldLabel) else ""


__all__ = ["FieldLabel", "ShownText", "shown", "tip_of"]
