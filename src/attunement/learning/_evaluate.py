"""Is the personalised course right in this clinic? k-fold cross-validation.

Each ended episode is predicted by a :class:`CourseIndex` (and a growth model) built from
the other folds only (scikit-learn ``KFold``, shuffled with a fixed seed). From the
out-of-fold predictions:

* **calibration of the course**: observed score on predicted score at every follow-up
  session the episode reached (scikit-learn ``LinearRegression``): slope (1 = ideal) and
  intercept (0 = ideal);
* **coverage** of the 80% band: the share of observed follow-up scores inside it (0.80 =
  ideal);
* **dropout**: Brier score (``brier_score_loss``), and the calibration slope and intercept
  of the logistic recalibration of the outcome on the predicted log-odds (``LogisticRegression``
  without penalty; Cox 1958, *Biometrika* 45:562) — read only when at least half of the
  group's dropout probabilities are personalised (a fall-back share has no slope).

The same folds give the same figures for the generic model — the growth model fitted to
the training folds, used whatever number of episodes it rests on (the rational method when
it cannot be fitted; the personalised course's own fall-back keeps the status's minimum), with
the training folds' dropout share as everyone's dropout probability. The figures are
reported for everyone, per language group and per sex (where recorded), with a warning
when a group is smaller than ``minimum_group`` or miscalibrated (slope outside 1 ±
``calibration_slope_tolerance``, coverage outside 0.80 ± ``coverage_tolerance``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from attunement.errors import InputError
from attunement.learning._course import CourseIndex
from attunement.learning._records import LearningEpisode
from attunement.learning._settings import LearningSettings, learning_settings
from attunement.monitoring import (
    EpisodeTable,
    GrowthModel,
    NormsLike,
    RationalParameters,
    fit_growth_model,
)

__all__ = [
    "Calibration",
    "CalibrationWarning",
    "EvaluationRow",
    "PredictionEvaluation",
    "evaluate_predictions",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_EPS = 1e-3
_FLAT = 0.05  # SD of the predicted log-odds below which they count as constant
_PERSONALISED = 0.5  # share of personalised dropout predictions needed to read a slope
_LEVEL = 0.8  # the band's nominal coverage
_GROUPED: tuple[Literal["language", "sex"], ...] = ("language", "sex")


class Calibration(BaseModel):
    """The calibration figures of one model on one group of out-of-fold predictions."""

    model_config = _FROZEN

    episodes: int
    points: int
    course_slope: float | None
    course_intercept: float | None
    coverage: float | None
    dropout_brier: float | None
    dropout_slope: float | None
    dropout_intercept: float | None


class CalibrationWarning(BaseModel):
    """Why a group's personalised figures need care, as a fact the reader's language words
    (:func:`attunement.wording.calibration_warning_words`).

    ``small_group``: ``value`` episodes, fewer than ``limit`` (``minimum_group``);
    ``course_slope`` / ``dropout_slope``: the slope ``value`` lies outside 1 ± ``limit``;
    ``coverage``: the 80% band covers the share ``value``, outside 0.80 ± ``limit``.
    """

    model_config = _FROZEN

    kind: Literal["small_group", "course_slope", "dropout_slope", "coverage"]
    value: float
    limit: float


class EvaluationRow(BaseModel):
    model_config = _FROZEN

    group: str  # "all", "language=es", "sex=female" …
    personalised: Calibration
    generic: Calibration
    warnings: tuple[CalibrationWarning, ...] = ()


class PredictionEvaluation(BaseModel):
    model_config = _FROZEN

    episodes: int
    folds: int
    neighbour_share: float  # share of predicted follow-up points the neighbours made
    rows: tuple[EvaluationRow, ...]
    #: attributes no episode records, so no group is calibrated by them
    not_recorded: tuple[Literal["language", "sex"], ...] = ()


class _Out:
    """Out-of-fold predictions of one model: per follow-up point and per episode."""

    def __init__(self, *, constant_dropout: bool = False) -> None:
        self.constant_dropout = constant_dropout
        self.point_episode: list[int] = []
        self.predicted: list[float] = []
        self.observed: list[float] = []
        self.inside: list[bool] = []
        self.dropout: dict[int, float] = {}
        self.personal_dropout: set[int] = set()  # episodes given a personalised probability

    def calibration(
        self, members: npt.NDArray[np.bool_], dropped: npt.NDArray[np.bool_]
    ) -> Calibration:
        # start-up: scikit-learn only when evaluating (see CourseIndex in _course.py)
        from sklearn.linear_model import LinearRegression, LogisticRegression
        from sklearn.metrics import brier_score_loss

        chosen = members[np.asarray(self.point_episode, dtype=np.intp)]
        pred = np.asarray(self.predicted)[chosen]
        obs = np.asarray(self.observed)[chosen]
        rows = np.flatnonzero(members)
        probability = np.array([self.dropout.get(int(r), math.nan) for r in rows])
        outcome = dropped[rows]
        slope = intercept = None
        if len(pred) >= 3 and np.ptp(pred) > 0:
            fit = LinearRegression().fit(pred.reshape(-1, 1), obs)
            slope, intercept = float(fit.coef_[0]), float(fit.intercept_)
        brier = d_slope = d_intercept = None
        known = ~np.isnan(probability)
        if known.sum() >= 3:
            p, y = np.clip(probability[known], _EPS, 1 - _EPS), outcome[known]
            brier = float(brier_score_loss(y, p))
            logit = np.log(p / (1 - p)).reshape(-1, 1)
            personalised = np.mean([int(r) in self.personal_dropout for r in rows])
            # a (nearly) constant prediction, as a fall-back share is, has no slope to read
            varies = (
                not self.constant_dropout
                and personalised >= _PERSONALISED
                and float(np.std(logit)) > _FLAT
            )
            if 0 < y.sum() < len(y) and varies:
                fit2 = LogisticRegression(C=np.inf).fit(logit, y)
                d_slope, d_intercept = float(fit2.coef_[0][0]), float(fit2.intercept_[0])
        return Calibration(
            episodes=int(members.sum()),
            points=len(pred),
            course_slope=slope,
            course_intercept=intercept,
            coverage=float(np.mean(np.asarray(self.inside)[chosen])) if len(pred) else None,
            dropout_brier=brier,
            dropout_slope=d_slope,
            dropout_intercept=d_intercept,
        )


def _growth(train: Sequence[LearningEpisode]) -> GrowthModel | None:
    rows = [
        (i, s, v, e.intake)
        for i, e in enumerate(train)
        if e.sessions >= 2
        for s, v in enumerate(e.scores, 1)
    ]
    if len(rows) < 10:
        return None
    patient, session, score, intake = zip(*rows, strict=True)
    try:
        return fit_growth_model(EpisodeTable.from_arrays(patient, session, score, intake))
    except InputError:
        return None


def _warnings(row: Calibration, settings: LearningSettings) -> list[CalibrationWarning]:
    found = []
    minimum = settings.count("minimum_group")
    if row.episodes < minimum:
        found.append(CalibrationWarning(kind="small_group", value=row.episodes, limit=minimum))
    tol = settings.calibration_slope_tolerance.value
    if row.course_slope is not None and abs(row.course_slope - 1) > tol:
        found.append(CalibrationWarning(kind="course_slope", value=row.course_slope, limit=tol))
    if row.dropout_slope is not None and abs(row.dropout_slope - 1) > tol:
        found.append(CalibrationWarning(kind="dropout_slope", value=row.dropout_slope, limit=tol))
    cov_tol = settings.coverage_tolerance.value
    if row.coverage is not None and abs(row.coverage - _LEVEL) > cov_tol:
        found.append(CalibrationWarning(kind="coverage", value=row.coverage, limit=cov_tol))
    return found


def evaluate_predictions(
    episodes: Sequence[LearningEpisode],
    *,
    norms: NormsLike,
    score_range: tuple[float, float],
    parameters: RationalParameters | None = None,
    settings: LearningSettings | None = None,
    seed: int = 0,
) -> PredictionEvaluation:
    """Cross-validate the personalised course against the generic model on the same folds."""
    from sklearn.model_selection import KFold  # start-up: see CourseIndex in _course.py

    settings = settings or learning_settings()
    folds = settings.count("cross_validation_folds")
    data = list(episodes)
    if len(data) < 2 * folds:
        raise InputError(
            "ended episodes", len(data), f"at least {2 * folds} for {folds}-fold cross-validation"
        )
    personal, generic = _Out(), _Out(constant_dropout=True)
    neighbour_points = 0
    for train_rows, test_rows in KFold(folds, shuffle=True, random_state=seed).split(data):
        train = [data[i] for i in train_rows]
        model = _growth(train)
        index = CourseIndex(
            train,
            norms=norms,
            score_range=score_range,
            parameters=parameters,
            model=model,
            settings=settings,
        )
        generic_index = CourseIndex(  # the generic fitted model, whatever it rests on
            [],
            norms=norms,
            score_range=score_range,
            parameters=parameters,
            model=model,
            minimum_episodes=1,
            settings=settings,
        )
        base_rate = float(np.mean([e.dropped_out for e in train]))
        similar = index.similar_many([data[r] for r in test_rows])
        for r, rows in zip(test_rows, similar, strict=True):
            e = data[r]
            horizon = max(e.sessions, 2)
            for out, idx in ((personal, index), (generic, generic_index)):
                course = idx.course(
                    e.intake, horizon=horizon, similar=rows if out is personal else None
                )
                for point, observed in zip(course.points[1:], e.scores[1:], strict=False):
                    out.point_episode.append(int(r))
                    out.predicted.append(point.value)
                    out.observed.append(observed)
                    out.inside.append(point.low <= observed <= point.high)
                    neighbour_points += out is personal and point.method == "neighbours"
                if out is personal and course.method == "neighbours":
                    out.personal_dropout.add(int(r))
                out.dropout[int(r)] = (
                    course.dropout_probability
                    if out is personal and course.dropout_probability is not None
                    else base_rate
                )
    dropped = np.array([e.dropped_out for e in data])
    groups: list[tuple[str, npt.NDArray[np.bool_]]] = [("all", np.ones(len(data), dtype=bool))]
    for attribute in _GROUPED:
        values = sorted({getattr(e, attribute) for e in data if getattr(e, attribute) is not None})
        groups.extend(
            (f"{attribute}={v}", np.array([getattr(e, attribute) == v for e in data]))
            for v in values
        )
    table: list[EvaluationRow] = []
    for name, members in groups:
        mine = personal.calibration(members, dropped)
        table.append(
            EvaluationRow(
                group=name,
                personalised=mine,
                generic=generic.calibration(members, dropped),
                warnings=tuple(_warnings(mine, settings)),
            )
        )
    return PredictionEvaluation(
        episodes=len(data),
        folds=folds,
        neighbour_share=neighbour_points / max(len(personal.predicted), 1),
        rows=tuple(table),
        not_recorded=tuple(a for a in _GROUPED if all(getattr(e, a) is None for e in data)),
    )
