"""How the outcome alerts fare on a synthetic clinic, against its *true* outcomes.

Ground truth is :attr:`SyntheticEpisode.outcome`: the true (noise-free) final score against
the true intake (deteriorated: ≥ 5 points worse, Löwe et al. 2004's minimal clinically
important change; responder: ≥ 50% lower; non-responder: < 25% lower). It never uses the
alert rules, their thresholds or the observed scores they judge.

A share "by session k" counts the episodes with *more than* k attended sessions (so the
outcome is not the judged session itself) whose alert was yellow or red (or red) at any of
their first k attended sessions; "ever" counts every attended session of the episode.
Everything here is SYNTHETIC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from attunement.monitoring import EpisodeTable, GrowthModel, assess_each_session
from attunement.simulate import SyntheticClinic, episode_series
from attunement.simulate._courses import TrueOutcome

__all__ = ["AlertHistory", "Rate", "alert_histories", "flagged", "rate", "training_table"]

OFF_TRACK = ("yellow", "red")


@dataclass(frozen=True)
class AlertHistory:
    """The alert level after each attended session of one synthetic episode."""

    key: str
    course: str
    outcome: TrueOutcome
    levels: tuple[str, ...]  # levels[0] is the intake (dose 1)
    rules: tuple[str, ...] = ()  # the alert rule of each level
    observed: tuple[float, ...] = ()  # the observed score of each attended session
    true_scores: tuple[float, ...] = ()  # the simulation's true score of each


@dataclass(frozen=True)
class Rate:
    """``hits`` of ``n`` episodes (share None when n = 0)."""

    hits: int
    n: int

    @property
    def share(self) -> float | None:
        return self.hits / self.n if self.n else None

    def __str__(self) -> str:
        return "   —  " if self.share is None else f"{100 * self.share:5.1f}% of {self.n}"


def training_table(clinic: SyntheticClinic) -> EpisodeTable:
    """The clinic's observed PHQ-9 totals, numbered by dose (attended sessions since the
    first scored one, 1 = intake), as ``attune etr fit`` numbers a clinic's episodes."""
    patient: list[int] = []
    dose: list[float] = []
    score: list[float] = []
    intake: list[float] = []
    for index, synthetic in enumerate(clinic.patients):
        outcome, _ = episode_series(synthetic.episode)
        scored = outcome.scored
        if len(scored) < 2:
            continue
        for number, point in enumerate(scored, start=1):
            patient.append(index)
            dose.append(float(number))
            score.append(float(point.value or 0.0))
            intake.append(float(scored[0].value or 0.0))
    return EpisodeTable.from_arrays(patient, dose, score, intake)


def alert_histories(
    clinic: SyntheticClinic, *, growth_model: GrowthModel | None = None
) -> list[AlertHistory]:
    """The alert level after every attended session of every episode with a true outcome."""
    histories: list[AlertHistory] = []
    for synthetic in clinic.patients:
        episode = synthetic.episode
        outcome = episode.outcome
        if outcome is None:
            continue
        series, _ = episode_series(episode)
        statuses = assess_each_session(series, growth_model=growth_model)
        histories.append(
            AlertHistory(
                key=synthetic.key,
                course=episode.trajectory,
                outcome=outcome,
                levels=tuple(s.alert for s in statuses),
                rules=tuple(s.alert_rule for s in statuses),
                observed=tuple(float(s.latest or 0.0) for s in statuses),
                true_scores=episode.true_scores,
            )
        )
    return histories


def flagged(history: AlertHistory, by: int | None, levels: Sequence[str] = OFF_TRACK) -> bool:
    """Whether any of the first ``by`` attended sessions (all when None) had one of ``levels``."""
    window = history.levels if by is None else history.levels[:by]
    return any(level in levels for level in window)


def rate(
    histories: Iterable[AlertHistory],
    *,
    outcome: TrueOutcome,
    by: int | None,
    levels: Sequence[str] = OFF_TRACK,
    course: str | None = None,
) -> Rate:
    """The share of episodes with this true outcome (and course) flagged by session ``by``."""
    chosen = [
        h
        for h in histories
        if h.outcome == outcome
        and (course is None or h.course == course)
        and (by is None or len(h.levels) > by)
    ]
    return Rate(sum(flagged(h, by, levels) for h in chosen), len(chosen))
