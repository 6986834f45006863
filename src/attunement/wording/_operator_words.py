"""What the operator's commands say in the clinic's language (issue 16).

``attune serve`` (at start-up, after a migration or an upgrade) and ``attune status
--refresh`` recompute the stored statuses (``attunement.services``) and say how many patients
they touched; the sentence is said here once, for both. ``attune import csv`` and ``fhir-bulk``
say what a bulk import stored, by kind of record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from attunement.i18n import N_, SOURCE_LANGUAGE, translate

__all__ = ["bulk_import_words", "statuses_recomputed_words"]

_RECOMPUTED: Final = N_("stored statuses recomputed for %(count)s patient(s)")


def statuses_recomputed_words(count: int, language: str = SOURCE_LANGUAGE) -> str:
    """ "stored statuses recomputed for 2 patient(s)", in ``language``."""
    return translate(_RECOMPUTED, language, count=str(count))


_KINDS: Final = {
    "patient": N_("patients: %(imported)s imported, %(skipped)s already imported"),
    "episode": N_("episodes: %(imported)s imported, %(skipped)s already imported"),
    "administration": N_("administrations: %(imported)s imported, %(skipped)s already imported"),
}
_BATCHES: Final = N_("%(counts)s (%(batches)s batches)")


def bulk_import_words(
    imported: Mapping[str, int],
    skipped: Mapping[str, int],
    batches: int,
    language: str = SOURCE_LANGUAGE,
) -> str:
    """ "patients: 3 imported, 0 already imported, episodes: … (2 batches)", in ``language``
    (a kind of record this module does not know is named as the import names it)."""
    counts = ", ".join(
        translate(
            _KINDS.get(kind, kind + "s: %(imported)s imported, %(skipped)s already imported"),
            language,
            imported=str(imported[kind]),
            skipped=str(skipped[kind]),
        )
        for kind in imported
    )
    return translate(_BATCHES, language, counts=counts, batches=str(batches))
