"""The profile facts a dropout indicator or a support prompt gives as its "because" (low
expectations, precontemplation, an early stage of change, an unaccommodated strong
preference), in sentences a page can show in its reader's language.

Each fact keeps the profile field's path and stored value (:class:`ProfileWords`: worded at
the edge with the profile's labels in the reader's language) and where the value came from:
a clinician's rating or the patient's statement (gettext message ids), or the questionnaire
(its id and version, as the profile names it), with the day it was assessed. The English is
the profile's own (``fact_words``, ``Provenance.describe``); ``attunement.wording.status_in``
words the rest.
"""

from __future__ import annotations

from typing import Final

from attunement.i18n import N_
from attunement.monitoring._worded import ProfileWords, Worded, as_stored, worded
from attunement.profile import Provenance, fact_words, strength_label

__all__ = ["bare_fact", "sourced_fact", "strong_preference"]

_SOURCES: Final = {"clinician_rating": N_("clinician rating"), "stated": N_("patient's statement")}
#: punctuation only, the same in every language (not messages)
_WITH_SOURCE: Final = "%(fact)s (%(source)s)"
_WITH_STRENGTH: Final = "%(fact)s (%(strength)s)"
_WITH_DAY: Final = "%(source)s, %(day)s"
_FACT: Final = "%(fact)s"


def _fact(path: str, value: str) -> ProfileWords:
    return ProfileWords(kind="fact", path=path, value=value, text=fact_words(path, value))


def _source(provenance: Provenance) -> Worded:
    """Where the value came from, as ``Provenance.describe`` writes it in English."""
    template = _SOURCES.get(provenance.source)
    if template is None:  # a questionnaire: its id and version, as the profile names it
        text = str(provenance.instrument)
        source = as_stored(f"{text} v{provenance.version}" if provenance.version else text)
    else:
        source = worded(template)
    if provenance.assessed_on is None:
        return source
    day = {"day": provenance.assessed_on.isoformat()}
    return worded(_WITH_DAY, day, parts={"source": source})


def sourced_fact(path: str, value: str, provenance: Provenance) -> Worded:
    """ "outcome expectation: low (clinician rating, 2026-01-12)"."""
    source = _source(provenance)
    return worded(_WITH_SOURCE, parts={"source": source}, profile={"fact": _fact(path, value)})


def strong_preference(path: str, value: str) -> Worded:
    """ "preference: format: online (strong)" — a strong preference not accommodated."""
    strength = ProfileWords(
        kind="strength", path=path, value="strong", text=strength_label("strong")
    )
    return worded(_WITH_STRENGTH, profile={"fact": _fact(path, value), "strength": strength})


def bare_fact(path: str, value: str) -> Worded:
    """ "stage of change: contemplation"."""
    return worded(_FACT, profile={"fact": _fact(path, value)})
