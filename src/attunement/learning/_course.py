"""The personalised expected course: what happened to the clinic's most similar ended episodes.

In the spirit of the Trier Treatment Navigator (predictions of a new patient's course and
dropout risk from earlier patients; Lutz W, Clausen SA, Bennemann B et al. (2019)
Verhaltenstherapie 29(3):145, doi:10.1159/000501026), the clinic's
ended episodes are placed in an intake space — intake severity in units of
``intake_points_per_unit`` points, and one unit for each differing category (the profile
dimensions that were assessed, the age band, the language) — and the ``neighbours``
nearest within ``similarity_radius`` are found with scikit-learn's ``NearestNeighbors``.

For each session ``s`` the expected score is the new patient's intake plus the mean change
from intake of the neighbours who reached ``s``; the 80% band is their 10th to 90th
percentile of change. The probability of dropout is the share of neighbours who dropped
out. Where fewer than ``minimum_neighbours`` similar episodes exist (or reach a session),
the point falls back to the fitted growth model and then to the rational method
(:func:`attunement.monitoring.expected_treatment_response`), and says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from attunement.errors import InputError
from attunement.learning._records import LearningEpisode
from attunement.learning._settings import LearningSettings, learning_settings
from attunement.monitoring import (
    MINIMUM_EPISODES,
    GrowthModel,
    NormsLike,
    RationalParameters,
    expected_treatment_response,
    jacobson_truax_category,
)

if TYPE_CHECKING:
    from sklearn.neighbors import NearestNeighbors

__all__ = [
    "NEIGHBOUR_OUTCOMES",
    "CourseIndex",
    "CoursePoint",
    "NeighbourSummary",
    "PersonalisedCourse",
]

#: How a similar episode ended, in the order they are shown.
NEIGHBOUR_OUTCOMES = ("recovered", "improved", "unchanged", "deteriorated", "dropped_out")

Method = Literal["neighbours", "empirical", "rational"]
_FROZEN = ConfigDict(frozen=True, extra="forbid")
_LANGUAGE = "language"
_LEVEL = 0.80
_ONE_HOT = 1.0 / math.sqrt(2.0)  # two differing one-hot columns add up to a distance of 1


class CoursePoint(BaseModel):
    """The expected score at one session (dose; 1 = intake) and its 80% band."""

    model_config = _FROZEN

    session: int
    value: float
    low: float
    high: float
    method: Method
    neighbours: int  # similar episodes that reached this session (0 for a fall-back)


class NeighbourSummary(BaseModel):
    """What happened to the similar episodes the course rests on."""

    model_config = _FROZEN

    count: int
    dropped_out: int
    mean_intake: float | None
    mean_change: float | None  # final minus intake (negative = improvement when higher is worse)
    median_sessions: float | None
    #: how each similar episode ended, in :data:`NEIGHBOUR_OUTCOMES` order: dropped out (by
    #: its end reason), else its Jacobson & Truax (1991) category from intake to last score
    outcomes: dict[str, int] = {}


class PersonalisedCourse(BaseModel):
    """The expected course of a new episode, its dropout probability and what it rests on."""

    model_config = _FROZEN

    intake: float
    method: Method  # of the course as a whole (the method of its first follow-up session)
    points: tuple[CoursePoint, ...]
    dropout_probability: float | None
    neighbours: NeighbourSummary
    level: float = _LEVEL
    dropout_personalised: bool = False  # from the similar episodes, not the clinic's share
    #: what the course rests on, as facts the reader's language words
    #: (``attunement.wording.course_basis_words``): the similarity radius, the fewest similar
    #: episodes a session needs, and the clinic's ended and dropped-out episodes (the
    #: dropout share a fall-back course uses). None in a course stored before they were.
    similarity_radius: float | None = None
    minimum_neighbours: int | None = None
    clinic_ended: int | None = None
    clinic_dropped_out: int | None = None
    #: the English sentences of courses stored before the facts above; read, never written
    basis: str | None = None
    dropout_basis: str | None = None


class CourseIndex:
    """The clinic's ended episodes, indexed for the nearest-neighbour course.

    ``model`` is the clinic's fitted growth model (or None); ``norms``, ``parameters`` and
    ``score_range`` are the monitored scale's, for the rational fall-back.
    """

    def __init__(
        self,
        episodes: Sequence[LearningEpisode],
        *,
        norms: NormsLike,
        score_range: tuple[float, float],
        parameters: RationalParameters | None = None,
        model: GrowthModel | None = None,
        minimum_episodes: int = MINIMUM_EPISODES,
        settings: LearningSettings | None = None,
    ) -> None:
        self.settings = settings or learning_settings()
        self.minimum_episodes = minimum_episodes
        self.norms, self.score_range, self.parameters = norms, score_range, parameters
        self.model = model
        self.episodes = tuple(episodes)
        keys = sorted({k for e in self.episodes for k in e.dimensions})
        self._vocab: dict[str, tuple[str, ...]] = {
            k: tuple(sorted({e.dimensions[k] for e in self.episodes if k in e.dimensions}))
            for k in keys
        }
        languages = {e.language for e in self.episodes if e.language is not None}
        if languages:
            self._vocab[_LANGUAGE] = tuple(sorted(languages))
        n, width = len(self.episodes), max((e.sessions for e in self.episodes), default=1)
        self._change = np.full((n, width), np.nan)
        for row, e in enumerate(self.episodes):
            self._change[row, : e.sessions] = np.asarray(e.scores) - e.intake
        self._dropped = np.array([e.dropped_out for e in self.episodes], dtype=bool)
        self._intake = np.array([e.intake for e in self.episodes], dtype=np.float64)
        self._sessions = np.array([e.sessions for e in self.episodes], dtype=np.float64)
        self._finder: NearestNeighbors | None = None
        self._categories: dict[tuple[float, float], str] = {}
        self._fallbacks: dict[tuple[float, int], CoursePoint] = {}
        if n:
            # The app, the CLI and every server import this module; scikit-learn takes about a
            # second to import. start-up: only building an index needs it
            from sklearn.neighbors import NearestNeighbors

            matrix = np.vstack(
                [self._features(e.intake, e.dimensions, e.language) for e in self.episodes]
            )
            k = min(self.settings.count("neighbours"), n)
            # a ball tree: a single query costs about 2 ms on 10,000 episodes where the
            # brute-force search costs 15-35 ms (bench/learning_course.py)
            self._finder = NearestNeighbors(n_neighbors=k, algorithm="ball_tree").fit(matrix)

    def _features(
        self, intake: float, dimensions: Mapping[str, str], language: str | None
    ) -> npt.NDArray[np.float64]:
        row = [intake / self.settings.intake_points_per_unit.value]
        values = {**dimensions, _LANGUAGE: language}
        for key, vocab in self._vocab.items():
            row.extend(_ONE_HOT if values.get(key) == v else 0.0 for v in vocab)
        return np.asarray(row, dtype=np.float64)

    def similar(
        self, intake: float, dimensions: Mapping[str, str], language: str | None
    ) -> npt.NDArray[np.intp]:
        """Rows of the most similar ended episodes within the similarity radius."""
        if self._finder is None:
            return np.empty(0, dtype=np.intp)
        query = self._features(intake, dimensions, language).reshape(1, -1)
        distance, rows = self._finder.kneighbors(query)
        inside = distance[0] <= self.settings.similarity_radius.value
        return np.asarray(rows[0][inside], dtype=np.intp)

    def similar_many(self, episodes: Sequence[LearningEpisode]) -> list[npt.NDArray[np.intp]]:
        """:meth:`similar` for many episodes at once (one search: cross-validation)."""
        if self._finder is None or not episodes:
            return [np.empty(0, dtype=np.intp) for _ in episodes]
        query = np.vstack([self._features(e.intake, e.dimensions, e.language) for e in episodes])
        distance, rows = self._finder.kneighbors(query)
        radius = self.settings.similarity_radius.value
        return [
            np.asarray(r[d <= radius], dtype=np.intp) for d, r in zip(distance, rows, strict=True)
        ]

    def course(
        self,
        intake: float,
        *,
        dimensions: Mapping[str, str] | None = None,
        language: str | None = None,
        horizon: int = 12,
        similar: npt.NDArray[np.intp] | None = None,
    ) -> PersonalisedCourse:
        """The expected course over sessions 1..``horizon`` for a new episode at intake
        (``similar``: its rows from :meth:`similar_many`, when searched already)."""
        if not math.isfinite(intake):
            raise InputError("intake", intake, "a finite score")
        lo, hi = self.score_range
        if not lo <= intake <= hi:
            raise InputError("intake", intake, f"a score from {lo:g} to {hi:g}")
        if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 2:
            raise InputError("horizon", horizon, "a whole number of sessions >= 2")
        rows = self.similar(intake, dimensions or {}, language) if similar is None else similar
        minimum = self.settings.count("minimum_neighbours")
        enough = len(rows) >= minimum
        points = [self._point(intake, s, rows if enough else None) for s in range(1, horizon + 1)]
        method = points[1].method
        summary = self._summary(rows)
        dropout: float | None = float(self._dropped[rows].mean()) if enough else None
        if not enough and len(self._dropped):
            dropout = float(self._dropped.mean())  # the clinic's share, not personalised
        return PersonalisedCourse(
            intake=intake,
            method=method,
            points=tuple(points),
            dropout_probability=dropout,
            neighbours=summary,
            dropout_personalised=enough,
            similarity_radius=self.settings.similarity_radius.value,
            minimum_neighbours=minimum,
            clinic_ended=len(self._dropped),
            clinic_dropped_out=int(self._dropped.sum()),
        )

    def _point(self, intake: float, session: int, rows: npt.NDArray[np.intp] | None) -> CoursePoint:
        lo, hi = self.score_range
        if rows is not None and session <= self._change.shape[1]:
            change = self._change[rows, session - 1]
            change = change[~np.isnan(change)]
            if len(change) >= self.settings.count("minimum_neighbours"):
                low, high = np.quantile(change, [(1 - _LEVEL) / 2, (1 + _LEVEL) / 2])
                value, low, high = (
                    min(max(intake + float(v), lo), hi) for v in (change.mean(), low, high)
                )
                return CoursePoint(
                    session=session,
                    value=value,
                    low=low,
                    high=high,
                    method="neighbours",
                    neighbours=len(change),
                )
        return self._fallback_point(intake, session)

    def _fallback_point(self, intake: float, session: int) -> CoursePoint:
        """The expected-response model's point (empirical or rational), remembered per
        (intake, session): intakes take few distinct values, and a bulk import predicts
        the course of thousands of intakes with one index."""
        key = (intake, session)
        if key not in self._fallbacks:
            e = expected_treatment_response(
                intake,
                session,
                self.norms,
                model=self.model,
                minimum_episodes=self.minimum_episodes,
                level=_LEVEL,
                score_range=self.score_range,
                parameters=self.parameters,
            )
            self._fallbacks[key] = CoursePoint(
                session=session,
                value=e.value,
                low=e.low,
                high=e.high,
                method=e.method,
                neighbours=0,
            )
        return self._fallbacks[key]

    def _category(self, intake: float, final: float) -> str:
        """The Jacobson & Truax category of a change, remembered per (intake, final) pair:
        scores take few distinct values, so a query classifies each pair once."""
        key = (intake, final)
        if key not in self._categories:
            self._categories[key] = jacobson_truax_category(intake, final, self.norms).category
        return self._categories[key]

    def _summary(self, rows: npt.NDArray[np.intp]) -> NeighbourSummary:
        if not len(rows):
            return NeighbourSummary(
                count=0,
                dropped_out=0,
                mean_intake=None,
                mean_change=None,
                median_sessions=None,
                outcomes=dict.fromkeys(NEIGHBOUR_OUTCOMES, 0),
            )
        finals = np.array([self.episodes[r].final - self.episodes[r].intake for r in rows])
        outcomes = dict.fromkeys(NEIGHBOUR_OUTCOMES, 0)
        for row in rows:
            e = self.episodes[row]
            outcomes["dropped_out" if e.dropped_out else self._category(e.intake, e.final)] += 1
        return NeighbourSummary(
            count=len(rows),
            dropped_out=int(self._dropped[rows].sum()),
            mean_intake=float(self._intake[rows].mean()),
            mean_change=float(finals.mean()),
            median_sessions=float(np.median(self._sessions[rows])),
            outcomes=outcomes,
        )
