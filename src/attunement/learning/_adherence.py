"""Was the plan followed? The one place that decides it from the stored facts (issue 15).

Two kinds of fact say whether an episode followed its plan, dimension by dimension:

* **The clinician's record** — for each dimension the episode's plan tailors (the
  ``dimension`` of its recommendations: reactance, stage of change, coping style,
  preferences, culture, religion/spirituality …) the clinician may record "followed" or
  "not followed". Records are only added; the latest one of a dimension counts.
* **Rupture repair after an alliance alert** (:data:`RUPTURE_REPAIR`) is derived. It
  *applies* when the alliance was flagged: the episode's stored status shows the alliance
  ruptured or at risk, or the alliance support prompt was marked at some session (a prompt
  can only be marked while the stored status shows it, so a mark proves the alert). It was
  *followed* when, at a session where the alliance was flagged, the latest mark of the
  alliance prompt is "discussed" — the prompt asks the clinician to check the alliance with
  the patient and repair any strain (Safran, Muran & Eubanks-Carter 2011, Psychotherapy
  48:80; Eubanks, Muran & Safran 2018, Psychotherapy 55:508). A clinician's own record of
  the repair, when there is one, counts over the derived value: a repair can happen without
  the prompt being marked.

A dimension with no fact is left out (not applied or not known), never counted as "not
followed". Pure: typed records in, a mapping out; no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

__all__ = [
    "ALLIANCE_PROMPT",
    "RUPTURE_REPAIR",
    "AdherenceRecord",
    "AlliancePromptMark",
    "adherence_dimensions",
    "plan_followed",
    "rupture_repaired",
]

#: The dimension name of "the rupture was repaired after an alliance alert".
RUPTURE_REPAIR: Final = "rupture_repair"
#: The support prompt (``monitoring/support_prompts/alliance.yaml``) shown on an alliance alert.
ALLIANCE_PROMPT: Final = "alliance"


@dataclass(frozen=True)
class AdherenceRecord:
    """One clinician's record: whether the plan's ``dimension`` was followed (oldest first)."""

    dimension: str
    followed: bool


@dataclass(frozen=True)
class AlliancePromptMark:
    """One mark (or undo) of the alliance support prompt at a status session (oldest first)."""

    session: int
    discussed: bool


def adherence_dimensions(plan_dimensions: Iterable[str], *, alliance_flagged: bool) -> list[str]:
    """The dimensions a clinician may record for an episode: those its plan tailors (in the
    plan's order, once each) and, after an alliance alert, rupture repair."""
    found = list(dict.fromkeys(plan_dimensions))
    if alliance_flagged and RUPTURE_REPAIR not in found:
        found.append(RUPTURE_REPAIR)
    return found


def rupture_repaired(
    *, flagged_session: int | None, alliance_marks: Sequence[AlliancePromptMark]
) -> bool | None:
    """Whether the alliance was repaired after an alert (None: no alert, so it did not apply).

    ``flagged_session`` is the session of the stored status when that status shows the
    alliance ruptured or at risk (else None); ``alliance_marks`` the marks of the alliance
    prompt, oldest first. Followed when the latest mark at some flagged session is
    "discussed".
    """
    latest: dict[int, bool] = {}
    for mark in alliance_marks:
        latest[mark.session] = mark.discussed
    if flagged_session is None and not latest:
        return None
    return any(latest.values())


def plan_followed(
    records: Sequence[AdherenceRecord],
    *,
    flagged_session: int | None = None,
    alliance_marks: Sequence[AlliancePromptMark] = (),
) -> dict[str, bool]:
    """Whether each dimension with a fact was followed: the latest clinician record of each,
    and rupture repair derived from the alliance facts unless a record says otherwise."""
    followed: dict[str, bool] = {}
    repaired = rupture_repaired(flagged_session=flagged_session, alliance_marks=alliance_marks)
    if repaired is not None:
        followed[RUPTURE_REPAIR] = repaired
    for record in records:
        followed[record.dimension] = record.followed
    return followed
