"""The gettext markers: a message kept for later translation, marked for extraction.

They sit below every package (issue 17): ``attunement.i18n`` re-exports them beside the
catalogue, and ``attunement.profile``, which the catalogue's language resolver is built on,
marks its labels with them without importing the catalogue. Babel extracts the calls by
name (keywords ``N_`` and ``NC_:1c,2``); at run time each gives its message back unchanged.
"""

from __future__ import annotations

__all__ = ["NC_", "N_"]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention Babel extracts by default
    """Mark ``message`` for extraction without translating it now (``gettext_noop``)."""
    return message


def NC_(context: str, message: str) -> str:  # noqa: N802 - gettext convention, like N_
    """Mark ``message`` in ``context`` for extraction (``pgettext_noop``; Babel keyword
    ``NC_:1c,2``): a word that needs its own translation where it means something else
    than the same English word elsewhere (a profile value "high" beside a band "high")."""
    del context
    return message
