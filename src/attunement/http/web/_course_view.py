"""The personalised expected course on the patient page: its numbers, ready to word.

Everything shown was stored when the episode's intake was recorded
(:mod:`attunement.services._course_predictions`); this module only formats the newest
prediction for the template, which words it through the gettext catalogue (the method in
words, the neighbours' outcomes, the dropout probability and the caveat).
"""

from __future__ import annotations

from dataclasses import dataclass

from attunement.http.web._display import short_date
from attunement.i18n import N_
from attunement.learning import NEIGHBOUR_OUTCOMES
from attunement.services import CoursePredictionPublic
from attunement.wording import format_number, format_share

__all__ = ["CoursePointView", "CourseView", "course_view"]

#: How a similar episode ended, as the page says it (message ids; the template translates).
_OUTCOME_LABELS = {
    "recovered": N_("Recovered"),
    "improved": N_("Improved"),
    "unchanged": N_("Unchanged"),
    "deteriorated": N_("Deteriorated"),
    "dropped_out": N_("Dropped out"),
}


@dataclass(frozen=True)
class CoursePointView:
    session: int
    expected: str
    low: str
    high: str
    fallback: bool  # this session rests on the fall-back model, not on similar episodes


@dataclass(frozen=True)
class CourseView:
    method: str  # neighbours, empirical or rational: chooses the sentence, never shown
    neighbours: int
    level_percent: str
    made_on: str
    made_at_intake: bool
    at_session: int | None
    intake: str
    points: list[CoursePointView]
    first_fallback: int | None  # the first session past the similar episodes' reach
    outcomes: list[tuple[str, int]]
    dropout: str | None
    dropout_personalised: bool
    dropped_out: int


def course_view(course: CoursePredictionPublic | None) -> CourseView | None:
    """The newest stored course of the episode, formatted (None: no intake recorded yet)."""
    if course is None:
        return None
    points = [
        CoursePointView(
            session=p.session,
            expected=format_number(p.value),
            low=format_number(p.low),
            high=format_number(p.high),
            fallback=course.method == "neighbours" and p.method != "neighbours",
        )
        for p in course.points
    ]
    fallback = [p.session for p in points if p.fallback and p.session > 1]
    counts = course.neighbours.outcomes
    return CourseView(
        method=course.method,
        neighbours=course.neighbours.count,
        level_percent=format_share(course.level, 0),
        made_on=short_date(course.made_at),
        made_at_intake=course.made_at_intake,
        at_session=course.at_session,
        intake=format_number(course.intake),
        points=points,
        first_fallback=fallback[0] if fallback else None,
        outcomes=[(_OUTCOME_LABELS[k], counts.get(k, 0)) for k in NEIGHBOUR_OUTCOMES]
        if course.neighbours.count
        else [],
        dropout=format_share(course.dropout_probability, 0)
        if course.dropout_probability is not None
        else None,
        dropout_personalised=course.dropout_personalised,
        dropped_out=course.neighbours.dropped_out,
    )
