"""The rows of "Was this part of the plan followed?" on the patient page (issue 15).

What counts for each dimension is the service's (``PlanAdherenceView``: the latest record,
rupture repair derived in :func:`attunement.learning.plan_followed`); this module only
lays it out for the template.
"""

from __future__ import annotations

from dataclasses import dataclass

from attunement.http.web._display import short_date
from attunement.i18n import SOURCE_LANGUAGE
from attunement.services import PlanAdherenceView
from attunement.wording import dimension_label

__all__ = ["AdherenceRow", "adherence_rows"]


@dataclass(frozen=True)
class AdherenceRow:
    """One dimension of the form: its label, what counts now and who recorded it."""

    dimension: str
    label: str
    followed: bool | None
    recorded_by: str | None
    recorded_on: str | None
    note: str | None
    derived: bool  # rupture repair from the alliance prompt marks, no record of its own


def adherence_rows(
    view: PlanAdherenceView | None, language: str = SOURCE_LANGUAGE
) -> list[AdherenceRow]:
    """The form's rows, in the plan's order (none before an episode); each dimension by its
    one label (``wording.dimension_label``) in ``language``, the clinic's."""
    if view is None:
        return []
    return [
        AdherenceRow(
            dimension=d.dimension,
            label=dimension_label(d.dimension, language),
            followed=d.followed,
            recorded_by=d.latest.recorded_by if d.latest else None,
            recorded_on=short_date(d.latest.recorded_at) if d.latest else None,
            note=d.latest.note if d.latest else None,
            derived=d.latest is None and d.followed is not None,
        )
        for d in view.dimensions
    ]
