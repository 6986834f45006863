"""The limits an alliance measure is judged by: threshold, drop bound and noise floor.

The drop bound and the noise floor respect the instrument's measurement error wherever it
can be computed, in this order (the first that exists is used, and the status says which):

1. **published** change norms (a published RCI, or a published SD and reliability): the
   bound B is the reliable-change bound and the noise floor one S_diff = B / 1.96;
2. **clinic-derived SD with the published reliability** (WAI-SR: α > .80, Munder et al.
   2010, taken as .80): B = 1.96 · √2 · SD · √(1 − r_xx) (Jacobson & Truax 1991, J Consult
   Clin Psychol 59(1):12–19) with the SD of each episode's *first* alliance measure of the
   clinic (:class:`~attunement.monitoring.ClinicNorms`, computed by the services once the
   stated minimum of episodes exists, the same norms as :mod:`attunement.monitoring._norms`
   uses for outcome scales); noise floor one S_diff;
3. **stated assumptions** in ``feedback_rules/alliance.yaml`` (WAI-SR: 0.5 and 0.33), else
   its default fractions of the scale range. The scale-range SD that outcome scales fall
   back on would give the WAI-SR a bound of 2.5 points on a 1-5 mean, useless for alerts,
   so it is not used here.

The threshold is the instrument rule's (a stated assumption for the WAI-SR), else a
published cut-off. Cached on (instrument, scale, clinic norms): all three are immutable.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.i18n import N_
from attunement.instruments import load_instrument
from attunement.monitoring._change import RELIABLE_CHANGE_Z
from attunement.monitoring._feedback_data import ShownFigure, load_alliance_rules
from attunement.monitoring._norms import ClinicNorms, norms_bound, resolve_norms
from attunement.monitoring._outer_basis import figure_reason
from attunement.monitoring._worded import Worded, WordedValue, as_stored, worded

__all__ = ["AllianceLimits", "LimitsOrigin", "alliance_limits"]

#: Where the drop bound and the noise floor come from.
LimitsOrigin = Literal["published", "clinic-derived", "assumption"]
#: The basis of limits from a clinic-derived SD (a gettext message id; the figures stay
#: numbers, written in the reader's language by ``attunement.wording.status_in``).
_CLINIC_DERIVED: Final = N_(
    "clinic-derived SD with the published reliability: 1.96 x S_diff, S_diff = sqrt(2) x SD "
    "x sqrt(1 - r) with SD %(sd)s of the first alliance measures of %(episodes)s episodes of "
    "this clinic and r = %(r)s (%(source)s); Jacobson & Truax 1991"
)
#: The noise floor's basis: one standard error of a difference, from the drop bound's basis.
_ONE_S_DIFF: Final = N_("one S_diff (%(basis)s)")


class AllianceLimits(BaseModel):
    """The threshold, drop bound and noise floor of an alliance scale, each with its basis."""

    model_config = FROZEN

    threshold: ShownFigure | None
    #: each bound with its basis: a sentence kept with its message id and figures
    drop: tuple[float, Worded]
    noise: tuple[float, Worded]
    origin: LimitsOrigin
    #: the clinic's SD the limits rest on (origin ``clinic-derived`` only)
    clinic_norms: ClinicNorms | None = None
    #: the published reliability: used with the clinic's SD, or (origin ``assumption``)
    #: awaiting one until the clinic has enough episodes
    reliability: float | None = None


@lru_cache(maxsize=1024)  # bounded: a new first alliance measure can move the SD
def alliance_limits(
    instrument: str, scale: str, clinic: ClinicNorms | None = None
) -> AllianceLimits:
    """The limits of an alliance scale; ``clinic``: the SD of the clinic's first alliance
    measures of this scale (used only where no published change norms exist and the
    instrument publishes a reliability). InputError when ``clinic`` is another scale's."""

    threshold = _threshold(instrument, scale)
    published = norms_bound(load_instrument(instrument).scale(scale))
    if published is not None:
        source = as_stored(published[1])  # a citation: shown as cited
        noise = (published[0] / RELIABLE_CHANGE_Z, worded(_ONE_S_DIFF, parts={"basis": source}))
        drop = (published[0], source)
        return AllianceLimits(threshold=threshold, drop=drop, noise=noise, origin="published")
    if clinic is not None:
        derived = _clinic_derived(instrument, scale, clinic)
        if derived is not None:
            return derived.model_copy(update={"threshold": threshold})
    norms = load_instrument(instrument).scale(scale).norms
    return AllianceLimits(
        threshold=threshold,
        drop=_stated(instrument, scale, "drop"),
        noise=_stated(instrument, scale, "noise_floor"),
        origin="assumption",
        reliability=norms.reliability if norms is not None else None,
    )


def _clinic_derived(instrument: str, scale: str, clinic: ClinicNorms) -> AllianceLimits | None:
    """The limits from the clinic's SD and the published reliability (one norms resolver:
    :func:`attunement.monitoring._norms.resolve_norms`); None without a reliability."""

    used = resolve_norms(instrument, scale, clinic).used
    s_diff = used.standard_error_of_difference
    r = used.reliability
    if used.sd_origin != "clinic-derived" or used.reliable_change is None or s_diff is None:
        return None
    if r is None:  # a clinic-derived SD is only used with a published reliability
        return None
    values: dict[str, WordedValue] = {
        "sd": clinic.sd,
        "episodes": clinic.n_episodes,
        "r": r,
        "source": used.source,
    }
    formula = worded(_CLINIC_DERIVED, values, formats={"sd": ".3g", "r": "g"})
    return AllianceLimits(
        threshold=None,
        drop=(used.reliable_change, formula),
        noise=(s_diff, worded(_ONE_S_DIFF, parts={"basis": formula})),
        origin="clinic-derived",
        clinic_norms=clinic,
        reliability=r,
    )


def _stated(
    instrument: str, scale_id: str, which: Literal["drop", "noise_floor"]
) -> tuple[float, Worded]:
    """The stated assumption of the instrument's rule, else the default fraction of the range."""

    rules = load_alliance_rules()
    rule = rules.instruments.get(instrument)
    figure = getattr(rule, which) if rule is not None and rule.scale == scale_id else None
    if figure is not None:
        return figure.value, figure_reason(figure)
    fraction = (
        rules.default.drop_fraction_of_range
        if which == "drop"
        else rules.default.noise_floor_fraction_of_range
    )
    low, high = load_instrument(instrument).scale(scale_id).range
    return fraction.value * (high - low), figure_reason(fraction)


def _threshold(instrument: str, scale: str) -> ShownFigure | None:

    rule = load_alliance_rules().instruments.get(instrument)
    if rule is not None and rule.scale == scale and rule.threshold is not None:
        return rule.threshold
    norms = load_instrument(instrument).scale(scale).norms
    if norms is not None and norms.cutoff is not None:
        return ShownFigure(value=norms.cutoff, source=norms.source)
    return None
