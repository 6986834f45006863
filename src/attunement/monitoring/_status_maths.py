"""The numbers of a Status, computed with the monitoring maths.

This module only *calls* the change and expected-treatment-response maths
(:mod:`._change`, :mod:`._rational`, :mod:`._growth`) with the norms the status resolved
(:mod:`._norms`), and keeps the status's view of the results: the change figures (the
reliable-change index shown is always the deciding rule's, so ``rci``, ``reliable`` and
``reliable_rule`` never contradict each other) and the expected band at each attended
session with its method and the outer limit of the alert rules.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.instruments import load_instrument
from attunement.monitoring import _band_basis as band_basis
from attunement.monitoring import _empirical_basis as empirical_basis
from attunement.monitoring import _outer_basis as outer_basis
from attunement.monitoring._change import jacobson_truax_category
from attunement.monitoring._etr import MINIMUM_EPISODES, usable_model
from attunement.monitoring._expected_data import load_expected_response, rational_parameters
from attunement.monitoring._feedback_data import load_alert_limits
from attunement.monitoring._growth_model import GrowthModel
from attunement.monitoring._norms import NormsUsed, ResolvedNorms
from attunement.monitoring._notes import note
from attunement.monitoring._rational import healthy_reference, rational_basis, rational_value
from attunement.monitoring._response import remission_status, response_status
from attunement.monitoring._worded import Worded, as_stored

__all__ = [
    "BandMaker",
    "ChangeFigures",
    "ExpectedBand",
    "NormsUsed",
    "band_maker",
    "change_figures",
]

Category = Literal["recovered", "improved", "unchanged", "deteriorated"]
ReliableRule = Literal["published_rci", "jacobson_truax"]


class ChangeFigures(BaseModel):
    model_config = FROZEN

    change: float
    rci: float | None
    reliable: bool | None
    reliable_rule: ReliableRule | None
    category: Category | None
    response: bool | None
    remission: bool | None
    notes: tuple[Worded, ...] = ()


class ExpectedBand(BaseModel):
    """The expected score after a session, its band, and the outer limit of the alert rules.

    ``session`` is the session number it describes; ``dose`` the attended sessions since
    the baseline that the expectation counts (1 = intake; missed appointments do not
    count). ``low <= value <= high``: within the band is on course (green), beyond its
    worse edge is less progress than expected (yellow); ``outer_limit`` lies on the worse
    side (yellow at once beyond it: ``monitoring._alerts.OUTER_LIMIT_ALERT``; it is never
    better than the intake), ``outer_basis`` says why.
    """

    model_config = FROZEN

    session: int
    value: float
    low: float
    high: float
    outer_limit: float
    method: Literal["rational", "empirical"]
    basis: str
    outer_basis: str
    level: float | None = None
    sources: tuple[str, ...] = ()
    dose: int | None = None
    #: ``basis`` with its message ids and values, on the band a status shows (none: a band
    #: of the trajectory, or one stored before they were kept)
    basis_worded: Worded | None = None
    #: ``outer_basis`` the same way (none: a band of the trajectory, or stored before)
    outer_basis_worded: Worded | None = None


@lru_cache(maxsize=8192)
def change_figures(
    instrument: str, scale: str, intake: float, latest: float, norms: ResolvedNorms
) -> ChangeFigures:
    """Change, RC, Jacobson–Truax category, response and remission from intake to latest
    (cached: the same scores and norms always give the same, immutable figures)."""

    definition = load_instrument(instrument).scale(scale)
    direction = norms.used.direction
    notes: list[Worded] = []
    rci = reliable = category = rule = None
    if norms.change_norms is not None:
        result = jacobson_truax_category(intake, latest, norms.change_norms)
        rc = result.reliable_change
        category, reliable, rule = result.category, rc.reliable, rc.bound.method
        if rule == "jacobson_truax":
            rci = rc.rc
        elif rc.rc is not None:
            notes.append(note("published_threshold_decides", points=rc.bound.points, rc=rc.rc))
        else:
            notes.append(note("threshold_without_rc", points=rc.bound.points))
    else:
        notes.append(note("no_change_norms", instrument=instrument, scale=scale))
    response = remission = None
    if definition.response is not None and direction == "higher_is_worse":
        response = response_status(intake, latest, definition.response, direction=direction).met
    if definition.remission is not None:
        remission = remission_status(latest, definition.remission, direction=direction).met
    return ChangeFigures(
        change=latest - intake,
        rci=rci,
        reliable=reliable,
        reliable_rule=rule,
        category=category,
        response=response,
        remission=remission,
        notes=tuple(notes),
    )


class BandMaker:
    """Expected bands of one episode: fixed intake, instrument and method, many doses.

    Everything that does not depend on the dose is worked out once, and each band once
    (bands are immutable): with :func:`band_maker` the rational makers are shared between
    episodes with the same intake, which keeps batches fast (``bench/status_batch.py``).
    """

    def __init__(
        self,
        instrument: str,
        scale: str,
        intake: float,
        norms: ResolvedNorms,
        *,
        model: GrowthModel | None,
        minimum_episodes: int = MINIMUM_EPISODES,
    ) -> None:
        used = norms.used
        self.intake = intake
        self.range = norms.score_range
        self.worse = 1.0 if used.direction == "higher_is_worse" else -1.0
        self.s_diff = used.standard_error_of_difference or 0.0
        self.has_norms = norms.change_norms is not None
        self.parameters = rational_parameters(instrument, scale)
        limits = load_alert_limits()
        self.outer_level = limits.empirical.outer_level
        self.outer_sdiff = limits.rational.outer_in_sdiff
        self.intake_margin = limits.worse_than_intake_in_sdiff
        self.mismatch: Worded | None = None
        if model is not None and model.instrument not in (instrument, f"{instrument}/{scale}"):
            self.mismatch = band_basis.model_for(model.instrument)
            model = None
        model, self.fallback = usable_model(model, minimum_episodes)
        self.model = model
        self.healthy = healthy_reference(self.parameters, used.direction, self.range)
        self.bound_words = band_basis.bound_words(
            used.reliable_change_method == "published_rci", used.reliable_change or 0
        )
        margin = self.intake_margin.value
        self.outer_reason = outer_basis.figure_reason(self.outer_sdiff)
        self.margin_reason = outer_basis.figure_reason(self.intake_margin)
        self.outer_short = outer_basis.rational_limit(
            worse=self.worse, width=self.outer_sdiff.value, s_diff=self.s_diff, margin=margin
        )
        self.outer_words = outer_basis.with_reasons(
            self.outer_short, self.outer_reason, self.margin_reason
        )
        self.empirical_short = outer_basis.empirical_limit(
            level=self.outer_level.value, margin=margin
        )
        self.empirical_words = outer_basis.with_reasons(
            self.empirical_short, outer_basis.figure_reason(self.outer_level), self.margin_reason
        )
        self.sources = (f"norms: {used.source}", *self.parameters.sources)
        self._made: dict[tuple[int, int, bool], ExpectedBand | None] = {}

    def _red_limit(self, outer: float, s_diff: float) -> float:
        """The outer limit: ``outer``, but never less than the margin worse than the intake."""
        floor = self.intake + self.worse * self.intake_margin.value * s_diff
        return max(outer, floor) if self.worse > 0 else min(outer, floor)

    def _clamp(self, value: float) -> float:
        return min(max(value, self.range[0]), self.range[1])

    def _rational(self, session: int, dose: int, full: bool) -> ExpectedBand:
        p = self.parameters
        value, share, excess = rational_value(self.intake, dose, p, self.healthy, self.worse)
        half = p.band_half_width_in_sdiff * self.s_diff
        outer_value = value + self.worse * self.outer_sdiff.value * self.s_diff
        outer = self.outer_words if full else self.outer_short
        basis = rational_basis(
            share=share,
            excess=excess,
            healthy=self.healthy,
            dose=dose,
            parameters=p,
            s_diff=self.s_diff,
            bound=self.bound_words,
            worse=self.worse,
        )
        reason = self.mismatch or self.fallback
        if reason is not None:
            basis = band_basis.fallback(basis, reason)
        return ExpectedBand(
            session=session,
            value=self._clamp(value),
            low=self._clamp(value - half),
            high=self._clamp(value + half),
            outer_limit=self._red_limit(outer_value, self.s_diff),
            method="rational",
            basis=basis.text,
            outer_basis=outer.text,
            level=None,
            sources=self.sources if full else (),
            dose=dose,
            basis_worded=basis if full else None,
            outer_basis_worded=outer if full else None,
        )

    def _empirical(self, model: GrowthModel, session: int, dose: int, full: bool) -> ExpectedBand:
        predicted = model.expected(self.intake, dose)
        outer = model.expected(self.intake, dose, level=self.outer_level.value)
        k = load_expected_band_width()
        half = k * math.sqrt(2.0 * model.residual_variance)
        value = predicted.value
        model_basis = predicted.basis_worded or as_stored(predicted.basis)
        basis = empirical_basis.band_from_model(model_basis, k, half / k)
        limit_words = self.empirical_words if full else self.empirical_short
        return ExpectedBand(
            session=session,
            value=self._clamp(value),
            low=self._clamp(value - half),
            high=self._clamp(value + half),
            outer_limit=self._red_limit(outer.high if self.worse > 0 else outer.low, half / k),
            method="empirical",
            basis=basis.text,
            outer_basis=limit_words.text,
            level=self.outer_level.value,
            sources=predicted.sources if full else (),
            dose=dose,
            basis_worded=basis if full else None,
            outer_basis_worded=limit_words if full else None,
        )

    def worse_edge_for(self, intake: float, dose: int) -> float | None:
        """The worse edge of the band after ``dose`` sessions for another (estimated) intake
        with this method and these norms (the trend's intake, :func:`._status_rules.trend`)."""
        if self.model is not None:
            k = load_expected_band_width()
            value = self.model.expected(intake, dose).value
            half = k * math.sqrt(2.0 * self.model.residual_variance)
        elif not self.has_norms or self.s_diff <= 0:
            return None
        else:
            p = self.parameters
            value = rational_value(intake, dose, p, self.healthy, self.worse)[0]
            half = p.band_half_width_in_sdiff * self.s_diff
        return self._clamp(value + self.worse * half)

    def band(self, session: int, dose: int, *, full: bool = True) -> ExpectedBand | None:
        """The band after ``dose`` attended sessions (labelled ``session``), or None.

        ``full=False`` leaves out the sources and the assumptions' reasoning (given once,
        on the latest band)."""
        key = (session, dose, full)
        if key not in self._made:
            self._made[key] = self._band(session, dose, full)
        return self._made[key]

    def _band(self, session: int, dose: int, full: bool) -> ExpectedBand | None:
        if self.model is not None:
            return self._empirical(self.model, session, dose, full)
        if not self.has_norms or self.s_diff <= 0:
            return None
        return self._rational(session, dose, full)


@lru_cache(maxsize=2048)
def _rational_maker(
    instrument: str, scale: str, intake: float, norms: ResolvedNorms, minimum_episodes: int
) -> BandMaker:
    return BandMaker(
        instrument, scale, intake, norms, model=None, minimum_episodes=minimum_episodes
    )


def band_maker(
    instrument: str,
    scale: str,
    intake: float,
    norms: ResolvedNorms,
    *,
    model: GrowthModel | None,
    minimum_episodes: int = MINIMUM_EPISODES,
) -> BandMaker:
    """A BandMaker; without a growth model one shared by every episode with this intake."""
    if model is None:
        return _rational_maker(instrument, scale, intake, norms, minimum_episodes)
    return BandMaker(
        instrument, scale, intake, norms, model=model, minimum_episodes=minimum_episodes
    )


def load_expected_band_width() -> float:
    """k of the empirical method: its band's half-width in standard errors of a difference
    (the data file's ``empirical_band_half_width_in_sdiff``)."""

    return load_expected_response().empirical_band_half_width_in_sdiff.value
