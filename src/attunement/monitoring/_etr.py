"""Choose the expected-treatment-response method: empirical when enough data, else rational."""

from __future__ import annotations

from attunement.errors import InputError
from attunement.monitoring import _band_basis as band_basis
from attunement.monitoring._growth_model import GrowthModel
from attunement.monitoring._models import Direction, Expectation, NormsLike
from attunement.monitoring._rational import RationalParameters, rational_expectation
from attunement.monitoring._results import RciPolicy
from attunement.monitoring._worded import Worded, as_stored

__all__ = ["MINIMUM_EPISODES", "expected_treatment_response", "usable_model"]

#: Completed episodes an empirical model needs before it replaces the rational method.
#: *Assumption* (no published figure found): enough patients that the 2 x 2 random-effect
#: covariance, which sets the band, is estimated from hundreds rather than dozens.
MINIMUM_EPISODES = 200


def expected_treatment_response(
    intake: float,
    session: int,
    norms: NormsLike,
    *,
    model: GrowthModel | None = None,
    minimum_episodes: int = MINIMUM_EPISODES,
    level: float = 0.80,
    direction: Direction | None = None,
    policy: RciPolicy = "prefer_published",
    score_range: tuple[float, float] | None = None,
    parameters: RationalParameters | None = None,
) -> Expectation:
    """Expected score and band at ``session``: the empirical model when it rests on at least
    ``minimum_episodes`` episodes, otherwise the rational method, saying why in ``basis``.

    ``session`` counts attended sessions since the baseline (1 = intake). ``score_range``
    clamps value and band to the scale's range (both methods); ``parameters`` are the
    rational method's for this instrument (``rational_parameters(instrument, scale)``).
    """
    used, reason = usable_model(model, minimum_episodes)
    if used is not None:
        e = used.expected(intake, session, level=level)
        if score_range is None:
            return e
        lo, hi = score_range
        if not lo < hi:
            raise InputError("score_range", score_range, "(min, max) with min < max")
        value, low, high = (min(max(v, lo), hi) for v in (e.value, e.low, e.high))
        return e.model_copy(update={"value": value, "low": low, "high": high})
    rational = rational_expectation(
        intake,
        session,
        norms,
        direction,
        policy=policy,
        score_range=score_range,
        parameters=parameters,
    )
    if reason is None:  # usable_model gives a reason whenever it gives no model
        return rational
    basis = band_basis.fallback(as_stored(rational.basis), reason)
    return rational.model_copy(update={"basis": basis.text})


def usable_model(
    model: GrowthModel | None, minimum_episodes: int = MINIMUM_EPISODES
) -> tuple[GrowthModel | None, Worded | None]:
    """The model if it rests on at least ``minimum_episodes`` episodes, else None and why."""
    if isinstance(minimum_episodes, bool) or minimum_episodes < 1:
        raise InputError("minimum_episodes", minimum_episodes, "a whole number >= 1")
    if model is None:
        return None, band_basis.no_model()
    if model.n_patients < minimum_episodes:
        return None, band_basis.too_few_episodes(model.version, model.n_patients, minimum_episodes)
    return model, None
