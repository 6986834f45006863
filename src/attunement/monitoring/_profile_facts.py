"""The profile facts a dropout indicator or a support prompt gives as its "because" (low
expectations, precontemplation, an early stage of change, an unaccommodated strong
preference), and the current value a prompt's suggested profile update shows, in sentences a
page can show in its reader's language.

Each fact keeps the profile field's path and stored value (:class:`ProfileWords`: worded at
the edge with the profile's labels in the reader's language) and where the value came from:
a clinician's rating or the patient's statement (gettext message ids), or the questionnaire
(by its definition's short name and version, never its id), with the day it was assessed. The
English is the profile's own labels (``fact_words``); ``attunement.wording.status_in`` words
the rest.
"""

from __future__ import annotations

from typing import Final

from attunement import instruments  # loads its names on first use
from attunement.i18n import N_
from attunement.monitoring._worded import ProfileWords, Worded, as_stored, worded
from attunement.profile import (
    Profile,
    Provenance,
    fact_words,
    field_value_words,
    strength_label,
)

__all__ = ["bare_fact", "current_value", "sourced_fact", "strong_preference"]

_SOURCES: Final = {"clinician_rating": N_("clinician rating"), "stated": N_("patient's statement")}
_NOT_ASSESSED: Final = N_("not assessed")
#: punctuation only, the same in every language (not messages)
_WITH_SOURCE: Final = "%(fact)s (%(source)s)"
_WITH_STRENGTH: Final = "%(fact)s (%(strength)s)"
_WITH_DAY: Final = "%(source)s, %(day)s"
_FACT: Final = "%(fact)s"
_LIST_SEPARATOR: Final = "; "


def _fact(path: str, value: str | bool | float) -> ProfileWords:
    return ProfileWords(kind="fact", path=path, value=value, text=fact_words(path, value))


def _strength(path: str, strength: str) -> ProfileWords:
    return ProfileWords(kind="strength", path=path, value=strength, text=strength_label(strength))


def _questionnaire(provenance: Provenance) -> str:
    """ "URICA v1": the definition's short name (an instrument the knowledge base does not
    hold in words, as ``attunement.wording.instrument_name`` names it) and the version."""
    name = instruments.instrument_short_name(str(provenance.instrument))
    return f"{name} v{provenance.version}" if provenance.version else name


def _source(provenance: Provenance) -> Worded:
    """Where the value came from: a clinician's rating, the patient's statement or the
    questionnaire by its name, with the day it was assessed."""
    template = _SOURCES.get(provenance.source)
    source = as_stored(_questionnaire(provenance)) if template is None else worded(template)
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
    return worded(
        _WITH_STRENGTH, profile={"fact": _fact(path, value), "strength": _strength(path, "strong")}
    )


def bare_fact(path: str, value: str) -> Worded:
    """ "stage of change: contemplation"."""
    return worded(_FACT, profile={"fact": _fact(path, value)})


def _listed(names: list[str]) -> str:
    """A template listing the named values: ``%(a)s; %(b)s`` (punctuation only)."""
    return _LIST_SEPARATOR.join(f"%({name})s" for name in names)


def current_value(profile: Profile | None, field: str) -> Worded:
    """A profile dimension's value as a suggested update shows it before the re-assessment:
    "contemplation (Readiness ruler v1.0, 2026-01-12)", "outcome expectation: low; treatment
    credibility: moderate (clinician rating)", "format: video (strong)", or "not assessed"."""
    if profile is None or not profile.is_assessed(field):
        return worded(_NOT_ASSESSED)
    value = getattr(profile, field)
    if field == "preferences":
        held = {
            f"preference{n}": worded(
                _WITH_STRENGTH,
                profile={
                    "fact": _fact(f"preferences.{p.aspect}", p.value),
                    "strength": _strength(f"preferences.{p.aspect}", p.strength),
                },
            )
            for n, p in enumerate(value)
        }
        return worded(_listed(list(held)), parts=held)
    source = {"source": _source(value.provenance)}
    if hasattr(value, "value"):  # one rated value: the value alone, then its source
        shown = ProfileWords(
            kind="value", path=field, value=value.value, text=field_value_words(field, value.value)
        )
        return worded(_WITH_SOURCE, parts=source, profile={"fact": shown})
    facts = {
        f"fact{n}": _fact(f"{field}.{name}", given)
        for n, (name, given) in enumerate(value.model_dump(exclude={"provenance"}).items())
        if given is not None
    }
    listed = _listed(list(facts))
    return worded(f"{listed} (%(source)s)" if facts else "%(source)s", parts=source, profile=facts)
