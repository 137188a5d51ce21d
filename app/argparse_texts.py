"""The command line's own words in the screen's language: argparse's "usage:", "options:",
"show this help message and exit" and its error messages.

argparse looks its texts up through the names `_` and `ngettext` of its module (GNU
gettext's default domain, where Python ships no catalogue); `translate_argparse()` points
them at app.i18n, whose catalogues hold the texts marked below.
"""

from __future__ import annotations

import argparse

from app import i18n
from app.i18n import N_

# The texts of argparse (Python 3.11 to 3.13) that a user of `main.py` can meet, as argparse
# writes them; the translations keep every %-placeholder.
TEXTS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("unexpected option string: %s"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _gettext(message: str) -> str:
    return i18n._(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.ngettext(singular, plural, n)


def translate_argparse() -> None:
    """From now on argparse writes its texts in the screen's language (app.i18n's)."""
    # Module globals that argparse reads at each call; set, not imported over.
    setattr(argparse, "_", _gettext)  # noqa: B010
    setattr(argparse, "ngettext", _ngettext)  # noqa: B010


__all__ = ["TEXTS", "translate_argparse"]
