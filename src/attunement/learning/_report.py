"""The learning report as one model: what ``attune learn report`` prints and the clinic
report's section "What this clinic's data say" renders (issue 15).

Built once by the service (``services.learning.read_learning_report``) from
:func:`therapist_feedback` and :func:`responsiveness_report`; every reader renders this
model and recomputes nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from attunement.learning._responsiveness import ResponsivenessReport
from attunement.learning._therapists import FeedbackGap, TherapistFeedback

__all__ = ["LearningData", "LearningReport", "Unrecorded"]

#: What a clinic's stored episodes may leave unrecorded, said rather than guessed.
Unrecorded = Literal["sex", "age_band", "plan_followed"]


class LearningData(BaseModel):
    """What the learning figures were computed on, as facts the reader's language words
    (:func:`attunement.wording.learning_data_words`): ``episodes`` ended episodes of the
    clinic, ``synthetic`` of them SYNTHETIC; or, with a ``simulation_seed``, the simulated
    SYNTHETIC clinic whose truth is known."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    episodes: int
    synthetic: int = 0
    simulation_seed: int | None = None


class LearningReport(BaseModel):
    """Therapist feedback and the responsiveness associations, with what they rest on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str
    episodes: int
    synthetic: bool
    data: LearningData
    therapists: TherapistFeedback | None
    #: why there is no therapist feedback (None when there is)
    therapists_unavailable: FeedbackGap | None = None
    #: therapists in the feedback, and those with enough ended episodes to be shown, before
    #: the rows are cut to the ones the reader may see (the aggregate anyone may read)
    therapists_counted: int = 0
    therapists_above_minimum: int = 0
    responsiveness: ResponsivenessReport
    #: the minimums of ``learning.yaml`` the sections rest on, for "too little data"
    minimum_therapist_episodes: int = 0
    minimum_dimension_episodes: int = 0
    #: what no ended episode records (the feedback and associations cannot use it)
    not_recorded: tuple[Unrecorded, ...] = ()
