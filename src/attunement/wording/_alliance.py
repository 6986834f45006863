"""Which limits an alliance status was judged by, in the clinician's words (issue 16).

Display only: the limits and where they come from are monitoring's decision
(:func:`attunement.monitoring.assess_alliance`, ``AllianceStatus.limits_origin``); this
module words them once for the web page and the printed report. The sentence is a gettext
message id with named values, so each adapter shows it in its reader's language
(``_(phrase.message, **phrase.values)`` in a template).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol

from attunement.errors import AttunementError
from attunement.i18n import N_, SOURCE_LANGUAGE
from attunement.instruments import load_instrument
from attunement.monitoring import clinic_norms_minimum
from attunement.wording._numbers import format_number, scale_digits

__all__ = ["AllianceLimitsLike", "Phrase", "alliance_limits_words"]


@dataclass(frozen=True)
class Phrase:
    """A sentence to translate: its gettext message id and the values it names."""

    message: str
    values: Mapping[str, str] = field(default_factory=dict)


class _ClinicNormsLike(Protocol):
    @property
    def sd(self) -> float: ...

    @property
    def n_episodes(self) -> int: ...


class AllianceLimitsLike(Protocol):
    """An ``AllianceStatus`` (what this module reads of one)."""

    @property
    def instrument(self) -> str | None: ...

    @property
    def scale(self) -> str | None: ...

    @property
    def value(self) -> float | None: ...

    @property
    def drop_bound(self) -> float | None: ...

    @property
    def noise_floor(self) -> float | None: ...

    @property
    def limits_origin(self) -> str | None: ...

    @property
    def clinic_norms(self) -> _ClinicNormsLike | None: ...

    @property
    def reliability(self) -> float | None: ...


_PUBLISHED: Final = N_(
    "Judged by the questionnaire's published change norms: a fall of %(drop)s or more is a "
    "possible rupture; a fall of %(noise)s or more puts the alliance at risk."
)
_CLINIC: Final = N_(
    "Judged by this clinic's own spread of first alliance scores (standard deviation "
    "%(sd)s over %(episodes)s episodes) with the questionnaire's published reliability "
    "%(reliability)s: a fall of %(drop)s or more is a possible rupture; a fall of %(noise)s "
    "or more puts the alliance at risk."
)
_AWAITING: Final = N_(
    "Judged by stated assumptions until this clinic has %(minimum)s episodes with a first "
    "alliance score (then by its own spread of scores with the questionnaire's published "
    "reliability): a fall of %(drop)s or more is a possible rupture; a fall of %(noise)s or "
    "more puts the alliance at risk."
)
_ASSUMED: Final = N_(
    "Judged by stated assumptions (the questionnaire publishes no change norms): a fall of "
    "%(drop)s or more is a possible rupture; a fall of %(noise)s or more puts the alliance "
    "at risk."
)


def alliance_limits_words(
    alliance: AllianceLimitsLike | None, language: str = SOURCE_LANGUAGE
) -> Phrase | None:
    """The limits the alliance was judged by and why, at the scale's decimals, its figures
    written as ``language`` writes numbers; None without an alliance measure."""

    if alliance is None or alliance.value is None or alliance.limits_origin is None:
        return None
    digits = 2
    if alliance.instrument and alliance.scale:
        try:
            digits = scale_digits(load_instrument(alliance.instrument).scale(alliance.scale))
        except AttunementError:  # a stored status of a withdrawn definition still reads
            digits = 2
    values = {
        "drop": format_number(alliance.drop_bound, digits, language=language),
        "noise": format_number(alliance.noise_floor, digits, language=language),
    }
    norms = alliance.clinic_norms
    if alliance.limits_origin == "published":
        return Phrase(_PUBLISHED, values)
    if alliance.limits_origin == "clinic-derived" and norms is not None:
        values |= {
            "sd": format_number(norms.sd, digits, language=language),
            "episodes": str(norms.n_episodes),
            "reliability": format_number(alliance.reliability, 2, language=language),
        }
        return Phrase(_CLINIC, values)
    if alliance.reliability is not None:
        minimum = int(clinic_norms_minimum().value)
        return Phrase(_AWAITING, values | {"minimum": str(minimum)})
    return Phrase(_ASSUMED, values)
