"""The outcome alert's reason: why a session is red, yellow, green, white or not assessable,
in a sentence a page can show in its reader's language.

Each sentence is written once, here, as a gettext message id with named values (the figures
kept as numbers, with the format spec the English sentence has always written them with); the
decision keeps it beside the
English text (:class:`~attunement.monitoring._worded.Worded`) and
``attunement.wording.status_in`` fills the translation. The rules themselves are in
:mod:`attunement.monitoring._alerts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from attunement.i18n import N_
from attunement.monitoring._worded import Worded, WordedValue, worded

__all__ = ["reason"]

#: The reasons' sentences by the case they state (gettext message ids).
_REASONS: Final = {
    "red_at_once": N_(
        "worse by %(change)s since intake: beyond %(at_once)s, the red threshold for reliable "
        "deterioration (%(threshold)s) at the 1%% level"
    ),
    "red_consecutive": N_(
        "worse by %(change)s since intake, and by %(previous)s at the previous scored session: "
        "reliable deterioration (red threshold %(threshold)s) at consecutive sessions"
    ),
    "red_unconfirmed": N_(
        "worse by %(change)s since intake, beyond the red threshold for reliable deterioration "
        "(%(threshold)s) at this scored session only: yellow at once; red if it is seen again "
        "at the next scored session, or at once from %(at_once)s"
    ),
    "convention": N_(
        "worse by %(change)s since intake: reliable deterioration by the published convention "
        "(%(convention)s), within the wider red threshold %(wider)s from the published "
        "measurement error; red at %(wider)s"
    ),
    "healthy_range": N_("%(latest)s is on the healthy side of the clinical cut-off %(cutoff)s"),
    "intake": N_("intake: no expectation to compare with yet"),
    "as_expected": N_("%(latest)s is within or better than the expected band (edge %(edge)s)"),
    "beyond_outer_limit": N_(
        "%(latest)s is worse than the outer limit %(limit)s and than the intake %(intake)s: "
        "yellow at once; red if the worsening since intake becomes reliable"
    ),
    "beyond_band_once": N_(
        "%(latest)s is worse than the expected band (edge %(edge)s), with too few scores since "
        "intake for a trend: yellow if the trend of the next scores is worse than expected too"
    ),
    "trend_on_track": N_(
        "%(latest)s is worse than the expected band (edge %(edge)s), but the trend of the "
        "%(scores)s scores since intake (a line on log session) is %(now)s now from an "
        "estimated intake of %(trend_intake)s, within the band expected from that intake "
        "(edge %(trend_edge)s)"
    ),
    "less_than_expected": N_(
        "%(latest)s is worse than the expected band (edge %(edge)s) and the trend of the "
        "%(scores)s scores since intake (a line on log session) is %(now)s now from an "
        "estimated intake of %(trend_intake)s, worse than the band expected from that intake "
        "(edge %(trend_edge)s)"
    ),
    "no_scorable_value": N_(
        "no scorable outcome value yet: no change, expectation or alert colour"
    ),
    "no_change_norms": N_(
        "no reliable-change norms for this scale (%(source)s): neither a published threshold "
        "nor a reliability to judge change with, so no expected band or colour"
    ),
}


def reason(case: str, formats: Mapping[str, str] | None = None, /, **values: WordedValue) -> Worded:
    """The reason sentence of ``case`` filled with ``values`` (numbers written with
    ``formats``)."""
    return worded(_REASONS[case], values, formats=formats)
