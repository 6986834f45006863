"""The personalised expected course on the patient page: its numbers, ready to word.

Everything shown was stored when the episode's intake was recorded
(:mod:`attunement.services._course_predictions`); this module only formats the newest
prediction for the template. What the course rests on and its dropout probability are worded
in the clinic's language by the one wording of a course (:mod:`attunement.wording`,
``course_basis_words``, also ``attune predict course``'s); the template translates the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from attunement.http.web._display import short_date
from attunement.i18n import N_
from attunement.learning import NEIGHBOUR_OUTCOMES
from attunement.services import CoursePredictionPublic
from attunement.wording import (
    course_basis_words,
    course_dropout_words,
    first_fallback,
    format_number,
    format_share,
)

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
    basis: str  # what the course rests on, in sentences in the clinic's language
    level_percent: str
    made_on: str
    made_at_intake: bool
    at_session: int | None
    intake: str
    points: list[CoursePointView]
    outcomes: list[tuple[str, int]]
    dropout: str  # the probability of dropout and what it rests on, in a sentence


def course_view(course: CoursePredictionPublic | None, language: str) -> CourseView | None:
    """The newest stored course of the episode, formatted, its sentences in ``language``
    (None: no intake recorded yet)."""
    if course is None:
        return None
    fallback = first_fallback(course)
    points = [
        CoursePointView(
            session=p.session,
            expected=format_number(p.value, language=language),
            low=format_number(p.low, language=language),
            high=format_number(p.high, language=language),
            fallback=fallback is not None and p.session >= fallback,
        )
        for p in course.points
    ]
    counts = course.neighbours.outcomes
    return CourseView(
        basis=course_basis_words(course, language),
        level_percent=format_share(course.level, 0, language=language),
        made_on=short_date(course.made_at),
        made_at_intake=course.made_at_intake,
        at_session=course.at_session,
        intake=format_number(course.intake, language=language),
        points=points,
        outcomes=[(_OUTCOME_LABELS[k], counts.get(k, 0)) for k in NEIGHBOUR_OUTCOMES]
        if course.neighbours.count
        else [],
        dropout=course_dropout_words(course, language),
    )
