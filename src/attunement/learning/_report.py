"""The learning report as one model: what ``attune learn report`` prints and the clinic
report's section "What this clinic's data say" renders (issue 15).

Built once by the service (``services.learning.read_learning_report``) from
:func:`therapist_feedback` and :func:`responsiveness_report`; every reader renders this
model and recomputes nothing.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from attunement.learning._responsiveness import ResponsivenessReport
from attunement.learning._therapists import TherapistFeedback

__all__ = ["LearningReport"]


class LearningReport(BaseModel):
    """Therapist feedback and the responsiveness associations, with what they rest on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str
    episodes: int
    synthetic: bool
    label: str
    therapists: TherapistFeedback | None
    therapists_note: str | None = None
    #: therapists in the feedback, and those with enough ended episodes to be shown, before
    #: the rows are cut to the ones the reader may see (the aggregate anyone may read)
    therapists_counted: int = 0
    therapists_above_minimum: int = 0
    responsiveness: ResponsivenessReport
    #: the minimums of ``learning.yaml`` the sections rest on, for "too little data"
    minimum_therapist_episodes: int = 0
    minimum_dimension_episodes: int = 0
    notes: tuple[str, ...] = ()
