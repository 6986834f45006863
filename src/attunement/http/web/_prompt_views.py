"""The clinical-support prompts on the patient page: cards with where to act, and marks.

Which prompts show, in what order and why is the stored status's (the core decides it:
``attunement.monitoring.support_prompts``); this module only words them and adds the links
to the place to act — the risk response form for an open risk event, the profile form at
the dimension to re-assess (and the questionnaire that measures it), the profile the plan is
built from — and whether each was marked discussed at this session, with the form to mark
it (or undo the mark). A mark never hides anything: the risk panel stays until a risk
response is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from attunement.http.web._display import short_date
from attunement.http.web._profile_form import GROUPS
from attunement.http.web._questionnaires import definition_or_none
from attunement.http.web._rendering import url
from attunement.i18n import SOURCE_LANGUAGE, knowledge_text
from attunement.services import PromptDiscussionPublic
from attunement.wording import element_name, field_label

if TYPE_CHECKING:
    from attunement.monitoring import Status

__all__ = [
    "PromptCard",
    "PromptLink",
    "PromptMark",
    "dimension_anchor",
    "prompt_cards",
    "prompt_marks",
]


@dataclass(frozen=True)
class PromptLink:
    """Where to act: ``kind`` is ``risk``, ``plan``, ``reassess`` or ``instrument``."""

    kind: str
    href: str
    detail: str = ""


@dataclass(frozen=True)
class PromptCard:
    domain: str
    title: str
    prompt: str
    targeted: bool
    questions: list[str]
    because: list[str]
    evidence: list[str]
    links: list[PromptLink]
    discussed: bool
    discussed_by: str | None
    discussed_on: str | None
    form_action: str
    episode_id: int
    session: int
    updates: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PromptMark:
    """One line of the history of marks."""

    day: str
    session: int
    title: str
    discussed: bool
    by: str


def dimension_anchor(dimension: str) -> str:
    """The id of the profile form's first field of ``dimension`` (``preferences``: its
    section), so a link opens the form at the dimension to re-assess."""
    if dimension == "preferences":
        return "preferences"
    for group in GROUPS:
        for path, _label in group.fields:
            if path == dimension or path.startswith(f"{dimension}."):
                return f"f-{path}"
    return "from-instruments"


def _links(
    patient_id: int,
    actions: Sequence[str],
    updates: Sequence[tuple[str, Sequence[str]]],
    language: str,
) -> list[PromptLink]:
    links: list[PromptLink] = []
    if "record_risk_response" in actions:
        links.append(PromptLink("risk", url("patient", patient_id=patient_id) + "#risk-panel"))
    for dimension, instruments in updates:
        intake = url("intake", patient_id=patient_id)
        links.append(
            PromptLink(
                "reassess",
                f"{intake}#{dimension_anchor(dimension)}",
                field_label(dimension, language),
            )
        )
        for instrument in instruments:
            definition = definition_or_none(instrument)
            if definition is None or definition.profile is None:
                continue
            href = url("intake_instrument", patient_id=patient_id, instrument_id=instrument)
            links.append(PromptLink("instrument", href, definition.short_name))
    if "edit_plan" in actions:
        links.append(PromptLink("plan", url("intake", patient_id=patient_id)))
    return links


def _latest(
    discussions: Sequence[PromptDiscussionPublic], session: int
) -> dict[str, PromptDiscussionPublic]:
    latest: dict[str, PromptDiscussionPublic] = {}
    for mark in discussions:  # oldest first: the last one of a domain is its state
        if mark.session == session:
            latest[mark.domain] = mark
    return latest


def prompt_cards(
    status: Status,
    discussions: Sequence[PromptDiscussionPublic],
    *,
    patient_id: int,
    episode_id: int,
    language: str = SOURCE_LANGUAGE,
) -> list[PromptCard]:
    """The status's prompts, in its order, with their links and this session's marks."""
    latest = _latest(discussions, status.session)
    cards = []
    for p in status.support_prompts:
        mark = latest.get(p.domain)
        discussed = mark is not None and mark.discussed
        cards.append(
            PromptCard(
                domain=p.domain,
                title=p.title,
                prompt=p.prompt,
                targeted=p.targeted,
                questions=list(p.questions),
                because=list(p.because),
                evidence=[element_name(e, language) for e in p.evidence],
                links=_links(
                    patient_id,
                    p.actions,
                    [(u.field, u.instruments) for u in p.profile_updates],
                    language,
                ),
                discussed=discussed,
                discussed_by=mark.marked_by if mark is not None and discussed else None,
                discussed_on=short_date(mark.marked_at.date())
                if mark is not None and discussed
                else None,
                form_action=url("prompt_discussed", patient_id=patient_id, domain=p.domain),
                episode_id=episode_id,
                session=status.session,
                updates=[
                    f"{field_label(u.field, language)}: {u.reason}" for u in p.profile_updates
                ],
            )
        )
    return cards


def prompt_marks(
    discussions: Sequence[PromptDiscussionPublic], language: str = SOURCE_LANGUAGE
) -> list[PromptMark]:
    """Every mark and undo, newest first, for the patient's history (each prompt's stored
    title in ``language``)."""
    return [
        PromptMark(
            day=short_date(m.marked_at.date()),
            session=m.session,
            title=knowledge_text(m.title, language),
            discussed=m.discussed,
            by=m.marked_by,
        )
        for m in reversed(discussions)
    ]
