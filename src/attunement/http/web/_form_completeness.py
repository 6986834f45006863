"""Nothing silently dropped from a clinical form (issue 12, seen #4).

A questionnaire shown on the session form is one the clinician chose (or the episode's
outcome and alliance measures): left blank, it was not "not given" but forgotten — an Enter
pressed in the first field once saved the session without the alliance questionnaire. So
an attended session is refused when a questionnaire on the form is blank, or so incomplete
that the instrument's own missing-item rule cannot score it; the message names the
questionnaire and the blank items, and says how to leave it out on purpose (untick it under
"Questionnaires for this session"). Items the rule prorates stay allowed, as the form says.
The scoring engine decides what is scorable; nothing is re-derived here.
"""

from __future__ import annotations

from collections.abc import Iterable

from attunement.http.web._forms import AnswerEntry
from attunement.instruments import score

__all__ = ["refuse_incomplete"]

_LEAVE_OUT = (
    "enter the answers, or untick it under “Questionnaires for this session” if it was "
    "not completed"
)


def refuse_incomplete(entries: Iterable[AnswerEntry], *, attended: bool) -> bool:
    """Mark each blank or unscorable questionnaire (a general message on the entry);
    True when any was marked. A missed session has no questionnaires to check."""
    refused = False
    if not attended:
        return refused
    for entry in entries:
        if entry.errors:
            continue  # already refused for a wrong answer
        definition = entry.definition
        blank = [str(i + 1) for i, answer in enumerate(entry.answers) if answer is None]
        if entry.blank:
            entry.errors[""] = (
                f"{definition.short_name} was left blank (items 1–{len(entry.answers)}): "
                f"{_LEAVE_OUT}. Nothing was saved."
            )
            refused = True
            continue
        result = score(definition, entry.answers, clinician_language="en")
        if any(not scale.scorable and scale.missing_items for scale in result.scales.values()):
            entry.errors[""] = (
                f"{definition.short_name} cannot be scored with items {', '.join(blank)} "
                f"blank (too many missing for its scoring rule): {_LEAVE_OUT}. Nothing was saved."
            )
            refused = True
    return refused
