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
from typing import Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.instruments import load_instrument
from attunement.monitoring._change import RELIABLE_CHANGE_Z
from attunement.monitoring._feedback_data import Figure, load_alliance_rules
from attunement.monitoring._norms import ClinicNorms, norms_bound, resolve_norms

__all__ = ["AllianceLimits", "LimitsOrigin", "alliance_limits"]

#: Where the drop bound and the noise floor come from.
LimitsOrigin = Literal["published", "clinic-derived", "assumption"]
#: How the status names limits from a clinic-derived SD.
CLINIC_DERIVED_LABEL = "clinic-derived SD with the published reliability"


class AllianceLimits(BaseModel):
    """The threshold, drop bound and noise floor of an alliance scale, each with its basis."""

    model_config = FROZEN

    threshold: Figure | None
    drop: tuple[float, str]
    noise: tuple[float, str]
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
        noise = (published[0] / RELIABLE_CHANGE_Z, f"one S_diff ({published[1]})")
        return AllianceLimits(threshold=threshold, drop=published, noise=noise, origin="published")
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
    if used.sd_origin != "clinic-derived" or used.reliable_change is None or s_diff is None:
        return None
    r = used.reliability
    formula = (
        f"{CLINIC_DERIVED_LABEL}: 1.96 x S_diff, S_diff = sqrt(2) x SD x sqrt(1 - r) with SD "
        f"{clinic.sd:.3g} of the first alliance measures of {clinic.n_episodes} episodes of "
        f"this clinic and r = {r:g} ({used.source}); Jacobson & Truax 1991"
    )
    return AllianceLimits(
        threshold=None,
        drop=(used.reliable_change, formula),
        noise=(s_diff, f"one S_diff ({formula})"),
        origin="clinic-derived",
        clinic_norms=clinic,
        reliability=r,
    )


def _stated(
    instrument: str, scale_id: str, which: Literal["drop", "noise_floor"]
) -> tuple[float, str]:
    """The stated assumption of the instrument's rule, else the default fraction of the range."""

    rules = load_alliance_rules()
    rule = rules.instruments.get(instrument)
    figure = getattr(rule, which) if rule is not None and rule.scale == scale_id else None
    if figure is not None:
        return figure.value, figure.basis
    fraction = (
        rules.default.drop_fraction_of_range
        if which == "drop"
        else rules.default.noise_floor_fraction_of_range
    )
    low, high = load_instrument(instrument).scale(scale_id).range
    return fraction.value * (high - low), fraction.basis


def _threshold(instrument: str, scale: str) -> Figure | None:

    rule = load_alliance_rules().instruments.get(instrument)
    if rule is not None and rule.scale == scale and rule.threshold is not None:
        return rule.threshold
    norms = load_instrument(instrument).scale(scale).norms
    if norms is not None and norms.cutoff is not None:
        return Figure(value=norms.cutoff, source=norms.source)
    return None
