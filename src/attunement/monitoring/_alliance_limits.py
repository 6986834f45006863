"""The limits an alliance measure is judged by: threshold, drop bound and noise floor.

Each is the instrument's published figure where one exists, else a stated assumption from
``feedback_rules/alliance.yaml`` (see :mod:`attunement.monitoring._alliance`). Cached:
definitions and rules are immutable.
"""

from __future__ import annotations

from functools import cache

from attunement.instruments import load_instrument
from attunement.monitoring._change import RELIABLE_CHANGE_Z
from attunement.monitoring._feedback_data import Figure, load_alliance_rules
from attunement.monitoring._norms import norms_bound

__all__ = ["alliance_limits"]


@cache
def alliance_limits(
    instrument: str, scale: str
) -> tuple[Figure | None, tuple[float, str], tuple[float, str]]:
    """Threshold, drop bound and noise floor of an alliance scale (definitions are immutable)."""
    bound = _drop_bound(instrument, scale)
    return _threshold(instrument, scale), bound, _noise_floor(instrument, scale, bound)


def _drop_bound(instrument: str, scale_id: str) -> tuple[float, str]:

    rules = load_alliance_rules()
    scale = load_instrument(instrument).scale(scale_id)
    published = norms_bound(scale)
    if published is not None:
        return published
    rule = rules.instruments.get(instrument)
    if rule is not None and rule.scale == scale_id and rule.drop is not None:
        return rule.drop.value, rule.drop.basis
    fraction = rules.default.drop_fraction_of_range
    low, high = scale.range
    return fraction.value * (high - low), fraction.basis


def _noise_floor(instrument: str, scale_id: str, bound: tuple[float, str]) -> tuple[float, str]:

    rules = load_alliance_rules()
    scale = load_instrument(instrument).scale(scale_id)
    if norms_bound(scale) is not None:
        return bound[0] / RELIABLE_CHANGE_Z, f"one S_diff ({bound[1]})"
    rule = rules.instruments.get(instrument)
    if rule is not None and rule.scale == scale_id and rule.noise_floor is not None:
        return rule.noise_floor.value, rule.noise_floor.basis
    fraction = rules.default.noise_floor_fraction_of_range
    low, high = scale.range
    return fraction.value * (high - low), fraction.basis


def _threshold(instrument: str, scale: str) -> Figure | None:

    rule = load_alliance_rules().instruments.get(instrument)
    if rule is not None and rule.scale == scale and rule.threshold is not None:
        return rule.threshold
    norms = load_instrument(instrument).scale(scale).norms
    if norms is not None and norms.cutoff is not None:
        return Figure(value=norms.cutoff, source=norms.source)
    return None
