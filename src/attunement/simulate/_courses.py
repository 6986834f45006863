"""True (noise-free) PHQ-9 courses of synthetic episodes, and the ground truth they give.

A course is a function of the dose d (attended sessions since the intake, d = 1 the intake)::

    responder        T0 − depth·T0·(1 − e^(−(d−1)/τ))
    slow_responder   nearly flat until an onset session, then a responder's curve
    non_responder    T0 + drift·ln d                         (drift around 0)
    deteriorator     T0 + W·ln d / ln 8                      (W: worsening by session 8)
    late_deteriorator  a shallow responder until an onset, then + v per session

plus, for responders and slow responders, an occasional temporary worsening (a sudden loss
that is later compensated). Observed scores add measurement noise with the published SEM
(see :mod:`._assumptions`). Ground truth (:func:`true_outcome`) compares the true final
score with the true intake — never an alert rule or its thresholds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from attunement.simulate._assumptions import value as _a

__all__ = ["Course", "CourseKind", "TrueOutcome", "draw_course", "true_outcome"]

CourseKind = Literal[
    "responder",
    "slow_responder",
    "non_responder",
    "deteriorator",
    "late_deteriorator",
]
TrueOutcome = Literal["deteriorated", "non_responder", "partial_responder", "responder"]

_MAX = 27.0


@dataclass(frozen=True)
class Course:
    """One patient's true course (all numbers in PHQ-9 points)."""

    kind: CourseKind
    intake: float
    depth: float = 0.0
    tau: float = 1.0
    onset: float = 1.0
    drift: float = 0.0
    loss_at: int = 0
    loss_length: int = 0
    loss_size: float = 0.0

    def _responder(self, d: float) -> float:
        return self.intake * (1.0 - self.depth * (1.0 - math.exp(-(d - 1.0) / self.tau)))

    def true_at(self, dose: int) -> float:
        """The true score after ``dose`` attended sessions (clipped to 0-27)."""
        d = float(dose)
        if self.kind == "responder":
            score = self._responder(d)
        elif self.kind == "slow_responder":
            flat = self.intake - self.drift * min(d - 1.0, self.onset - 1.0)
            score = flat if d <= self.onset else (
                flat * (1.0 - self.depth * (1.0 - math.exp(-(d - self.onset) / self.tau)))
            )  # fmt: skip
        elif self.kind == "non_responder":
            score = self.intake + self.drift * math.log(d)
        elif self.kind == "deteriorator":
            score = self.intake + self.drift * math.log(d) / math.log(8.0)
        else:  # late_deteriorator
            score = self._responder(min(d, self.onset)) + self.drift * max(0.0, d - self.onset)
        if self.loss_at and self.loss_at <= dose < self.loss_at + self.loss_length:
            score += self.loss_size
        return min(max(score, 0.0), _MAX)


def _kind(rng: np.random.Generator, profile: dict[str, Any]) -> CourseKind:
    odds_ratio = 1.0
    if profile["stage_of_change"] == "precontemplation":
        odds_ratio *= _a("non_response_odds_ratio_precontemplation")
    if profile["expectations"]["outcome"] == "low":
        odds_ratio *= _a("non_response_odds_ratio_low_expectation")
    base = _a("share_non_responders")
    non = base * odds_ratio / (1 - base + base * odds_ratio)
    early, late = _a("share_early_deteriorators"), _a("share_late_deteriorators")
    slow = _a("share_slow_responders")
    draw = rng.random()
    if draw < early:
        return "deteriorator"
    if draw < early + late:
        return "late_deteriorator"
    rest = (draw - early - late) / (1 - early - late)
    if rest < non:
        return "non_responder"
    if rest < non + slow * (1 - non):
        return "slow_responder"
    return "responder"


def draw_course(rng: np.random.Generator, profile: dict[str, Any]) -> Course:
    """A true course for a patient with this profile (see the module docstring)."""
    intake = float(
        np.clip(
            rng.normal(_a("intake_phq9_mean"), _a("intake_phq9_sd")), _a("intake_phq9_min"), _MAX
        )
    )
    kind = _kind(rng, profile)
    depth = float(rng.uniform(_a("responder_depth_min"), 1.0))
    tau = float(rng.uniform(1.5, _a("responder_tau_max")))
    if kind == "non_responder":
        return Course(kind, intake, drift=float(rng.normal(0.0, _a("non_responder_drift_sd"))))
    if kind == "deteriorator":
        mean = _a("early_deterioration_by_session_8")
        return Course(kind, intake, drift=float(rng.uniform(mean - 2.5, mean + 2.5)))
    if kind == "late_deteriorator":
        first = int(_a("late_deterioration_onset_min"))
        onset = float(rng.integers(first, first + 6))
        per = _a("late_deterioration_per_session")
        return Course(
            kind,
            intake,
            depth=float(rng.uniform(0.1, 0.4)),
            tau=tau,
            onset=onset,
            drift=float(rng.uniform(per - 0.75, per + 0.75)),
        )
    onset = float(rng.integers(int(_a("slow_onset_min")), 9)) if kind == "slow_responder" else 1
    drift = float(rng.uniform(0.0, 0.3)) if kind == "slow_responder" else 0.0
    course = Course(kind, intake, depth=depth, tau=tau, onset=onset, drift=drift)
    if rng.random() < _a("sudden_loss_probability"):
        size = _a("sudden_loss_size")
        return Course(
            kind,
            intake,
            depth=depth,
            tau=tau,
            onset=onset,
            drift=drift,
            loss_at=int(rng.integers(2, 11)),
            loss_length=int(rng.integers(1, 4)),
            loss_size=float(rng.uniform(size - 2.0, size + 2.0)),
        )
    return course


def true_outcome(true_intake: float, true_final: float) -> TrueOutcome:
    """Ground truth from the true (noise-free) intake and final scores (module docstring)."""
    if true_final - true_intake >= _a("deterioration_ground_truth"):
        return "deteriorated"
    if true_intake <= 0:
        return "non_responder"
    reduction = (true_intake - true_final) / true_intake
    if reduction >= _a("response_ground_truth"):
        return "responder"
    if reduction < _a("non_response_ground_truth"):
        return "non_responder"
    return "partial_responder"
