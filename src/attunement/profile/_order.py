"""One canonical order of a profile's preferences and flags (both are sets)."""

from __future__ import annotations

from typing import Final

from attunement.profile._models import Preference, Profile, ProfileFlag
from attunement.profile._vocabulary import PREFERENCE_ASPECTS, STRENGTHS

__all__ = ["in_canonical_order"]

_SEVERITY_ORDER: Final = {"critical": 0, "warning": 1, "info": 2}
#: Preferences in the vocabulary's order of aspects (then by value).
_ASPECT_ORDER: Final = {aspect: rank for rank, aspect in enumerate(PREFERENCE_ASPECTS)}


def in_canonical_order(profile: Profile) -> Profile:
    """The profile with its preferences and flags in one canonical order, whatever they came in.

    A patient's preferences are a set: the order they were listed (or a questionnaire gave
    them) carries no clinical meaning; so are the flags scoring raised. Every step of the
    tailoring engine and the dropout indicators walk them in this order, so the facts a
    condition cites, the firings that tie on evidence strength, the risk items behind the
    safety item and everything built from them are a function of the sets alone.
    """
    preferences = tuple(sorted(profile.preferences, key=_preference_key))
    flags = tuple(sorted(profile.flags, key=_flag_key))
    if preferences == profile.preferences and flags == profile.flags:
        return profile
    return profile.model_copy(update={"preferences": preferences, "flags": flags})


def _preference_key(preference: Preference) -> tuple[int, str, str, str, int, str]:
    """A total order: aspect (vocabulary order), value, strength, then provenance."""
    return (
        _ASPECT_ORDER.get(preference.aspect, len(_ASPECT_ORDER)),
        preference.aspect,
        preference.value.casefold(),
        preference.value,
        STRENGTHS.index(preference.strength),
        preference.provenance.model_dump_json(),
    )


def _flag_key(flag: ProfileFlag) -> tuple[int, str, str, str, str, str, str, bool, float]:
    """A total order: most severe first, then dimension and id (as shown), then the rest."""
    return (
        _SEVERITY_ORDER[flag.severity],
        flag.dimension,
        flag.id,
        flag.instrument,
        flag.item,
        flag.kind,
        flag.message,
        flag.answer is None,
        flag.answer or 0.0,
    )
