"""What a personalised expected course rests on, in the reader's language (issue 16).

The learning core decides the course and keeps the facts behind it
(:class:`attunement.learning.PersonalisedCourse`: the method, how many similar ended
episodes, the first session past their reach, the similarity radius, the minimum, the
clinic's ended and dropped-out episodes); this module words them, once, for
``attune predict course`` and the patient page's course panel. A course stored before those
facts were kept lacks the radius, the minimum and the clinic's counts: its sentences leave
them out rather than show the English text it was stored with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Protocol

from attunement.i18n import N_, translate
from attunement.wording._learning import course_method_words
from attunement.wording._numbers import format_number, format_share

__all__ = ["CourseLike", "course_basis_words", "course_dropout_words", "first_fallback"]


class _PointLike(Protocol):
    @property
    def session(self) -> int: ...
    @property
    def method(self) -> str: ...


class _NeighboursLike(Protocol):
    @property
    def count(self) -> int: ...
    @property
    def dropped_out(self) -> int: ...


class CourseLike(Protocol):
    """A stored or just-computed personalised course (``PersonalisedCourse``, or the
    ``CoursePredictionPublic`` the pages read): the facts its sentences need."""

    @property
    def method(self) -> str: ...
    @property
    def points(self) -> Sequence[_PointLike]: ...
    @property
    def neighbours(self) -> _NeighboursLike: ...
    @property
    def level(self) -> float: ...
    @property
    def dropout_probability(self) -> float | None: ...
    @property
    def dropout_personalised(self) -> bool: ...
    @property
    def similarity_radius(self) -> float | None: ...
    @property
    def minimum_neighbours(self) -> int | None: ...
    @property
    def clinic_ended(self) -> int | None: ...
    @property
    def clinic_dropped_out(self) -> int | None: ...


def first_fallback(course: CourseLike) -> int | None:
    """The first follow-up session a course from similar episodes leaves to the fall-back
    model (too few of them reached it); None when it never does or is a fall-back."""
    if course.method != "neighbours":
        return None
    return next((p.session for p in course.points[1:] if p.method != "neighbours"), None)


_FROM_SIMILAR: Final = N_(
    "From %(count)s similar ended episodes of this clinic (alike at intake: severity, "
    "assessed profile, age band, language)."
)
_RADIUS: Final = N_(
    "Similar means within a distance of %(radius)s; the %(level)s range is their 10th to "
    "90th percentile of change."
)
_PAST_REACH: Final = N_(
    "From scored session %(session)s on, too few of them reached the session: those "
    "sessions use the %(method)s."
)
_PAST_REACH_MINIMUM: Final = N_(
    "From scored session %(session)s on, fewer than %(minimum)s of them reached the "
    "session: those sessions use the %(method)s."
)
_TOO_FEW: Final = {
    "empirical": N_("Too few similar episodes (%(count)s): the clinic's fitted model."),
    "rational": N_(
        "Too few similar episodes (%(count)s) and no model fitted on enough of the clinic's "
        "episodes: the rational model."
    ),
}
_MINIMUM: Final = N_("A course from similar episodes needs at least %(minimum)s of them.")


def course_basis_words(course: CourseLike, language: str) -> str:
    """What the course rests on, in sentences: from how many similar episodes (and how
    similar), from which session the fall-back model takes over, or why it fell back."""
    count = course.neighbours.count
    if course.method == "neighbours":
        sentences = [translate(_FROM_SIMILAR, language, count=count)]
        if course.similarity_radius is not None:
            sentences.append(
                translate(
                    _RADIUS,
                    language,
                    radius=format_number(course.similarity_radius, 2, language=language),
                    level=format_share(course.level, 0, language=language),
                )
            )
        first = first_fallback(course)
        if first is not None:
            method = course_method_words(course.points[first - 1].method, language)
            values = {"session": first, "method": method}
            if course.minimum_neighbours is None:
                sentences.append(translate(_PAST_REACH, language, **values))
            else:
                minimum = course.minimum_neighbours
                sentences.append(
                    translate(_PAST_REACH_MINIMUM, language, minimum=minimum, **values)
                )
        return " ".join(sentences)
    sentences = [translate(_TOO_FEW[course.method], language, count=count)]
    if course.minimum_neighbours is not None:
        sentences.append(translate(_MINIMUM, language, minimum=course.minimum_neighbours))
    return " ".join(sentences)


def course_dropout_words(course: CourseLike, language: str) -> str:
    """The probability of dropout and what it rests on: the similar episodes that dropped
    out, or (not personalised) the clinic's share, or why there is none."""
    n = course.neighbours
    if course.dropout_probability is None:
        return translate(N_("not available: no ended episodes yet."), language)
    share = format_share(course.dropout_probability, 0, language=language)
    if course.dropout_personalised:
        return translate(
            N_("%(share)s (%(dropped)s of the %(count)s similar episodes dropped out)."),
            language,
            share=share,
            dropped=n.dropped_out,
            count=n.count,
        )
    if course.clinic_ended is None or course.clinic_dropped_out is None:
        return translate(
            N_(
                "%(share)s: the share of all the clinic's ended episodes that dropped out, "
                "not personalised."
            ),
            language,
            share=share,
        )
    return translate(
        N_(
            "%(share)s: the share of all the clinic's ended episodes that dropped out "
            "(%(dropped)s of %(count)s), not personalised."
        ),
        language,
        share=share,
        dropped=course.clinic_dropped_out,
        count=course.clinic_ended,
    )
