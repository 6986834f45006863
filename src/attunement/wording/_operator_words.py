"""What the operator's commands say in the clinic's language (issue 16).

``attune serve`` (at start-up, after a migration or an upgrade) and ``attune status
--refresh`` recompute the stored statuses (``attunement.services``) and say how many patients
they touched; the sentence is said here once, for both.
"""

from __future__ import annotations

from typing import Final

from attunement.i18n import N_, SOURCE_LANGUAGE, translate

__all__ = ["statuses_recomputed_words"]

_RECOMPUTED: Final = N_("stored statuses recomputed for %(count)s patient(s)")


def statuses_recomputed_words(count: int, language: str = SOURCE_LANGUAGE) -> str:
    """ "stored statuses recomputed for 2 patient(s)", in ``language``."""
    return translate(_RECOMPUTED, language, count=str(count))
