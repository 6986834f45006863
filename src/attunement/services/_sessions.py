"""Record a session: attendance, every questionnaire given in it, rupture markers — at once.

One use case, one transaction: the session row (number, date, attended) is created or
updated, each questionnaire is scored and stored with its score, and the alliance rupture
markers the clinician observed (Safran & Muran's withdrawal and confrontation markers,
``monitoring/feedback_rules/alliance.yaml``) are kept in the session's notes, where the
status service reads them for ``assess_episode``. Every answer is scored before anything is
written; one invalid answer raises :class:`TherapySessionAnswerInvalid` (an ``InvalidAnswer``
naming the instrument and the item) and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import InputError, InvalidAnswer, TherapySessionExists
from attunement.instruments import load_instrument, score
from attunement.monitoring import check_rupture_markers
from attunement.services._actors import Actor
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._episode_use_case import episode_use_case
from attunement.services._lifecycle import ensure_episode_open
from attunement.services._limits import check_day
from attunement.services._records import store_administration
from attunement.services._schemas import (
    TherapySessionAdministration,
    TherapySessionCreate,
    TherapySessionPublic,
)
from attunement.services._status import RUPTURE_MARKERS_NOTE
from attunement.services._timeline import lock_episode_sessions, next_session_number
from attunement.store import (
    LIVE_SESSION,
    Episode,
    TherapySession,
)

if TYPE_CHECKING:
    from attunement.instruments import InstrumentDefinition, Score

__all__ = [
    "TherapySessionAnswerInvalid",
    "administration_language",
    "list_sessions",
    "record_session",
    "session_public",
]


class TherapySessionAnswerInvalid(InvalidAnswer):
    """An answer of one questionnaire of a session is not allowed.

    ``field`` is ``<instrument>.<item>`` (``phq9.phq9_5``), or ``<instrument>.answers`` when
    the number of answers is wrong; ``instrument`` and ``item`` name them separately.
    """

    def __init__(self, instrument: str, error: InputError) -> None:
        super().__init__(f"{instrument}.{error.field}", error.value, error.allowed, risk=error.risk)
        self.instrument = instrument
        self.item: str | None = None if error.field == "answers" else error.field


def administration_language(
    definition: InstrumentDefinition, requested: str | None, preferred: str
) -> str:
    """The language the answers are scored in: as requested (it must exist), else the
    patient's preferred language when the instrument has it, else its first language."""
    if requested is not None:
        if requested not in definition.languages:
            raise InputError("language", requested, definition.languages)
        return requested
    return preferred if preferred in definition.languages else definition.languages[0]


def _score_all(
    given: list[TherapySessionAdministration], preferred: str
) -> list[tuple[TherapySessionAdministration, Score]]:

    instruments = [a.instrument for a in given]
    if len(set(instruments)) != len(instruments):
        raise InputError("administrations", instruments, "each instrument once per session")
    scored = []
    for administration in given:
        definition = load_instrument(administration.instrument)
        language = administration_language(definition, administration.language, preferred)
        try:
            result = score(definition, administration.answers, language=language)
        except InvalidAnswer as error:
            raise TherapySessionAnswerInvalid(definition.id, error) from None
        scored.append((administration, result))
    return scored


def _check_markers(markers: list[str] | None, number: int | None) -> None:

    if markers:
        try:
            check_rupture_markers({number or 0: markers})
        except InputError as error:
            raise InputError("rupture_markers", error.value, error.allowed) from None


def _visit(
    session: Session,
    episode: Episode,
    data: TherapySessionCreate,
    ctx: ServiceContext,
    now: dt.datetime,
) -> TherapySession:
    """The new session row: a number the episode already has is refused, never merged."""
    lock_episode_sessions(session, episode.id)  # one new session at a time per episode
    number = data.number if data.number is not None else next_session_number(session, episode.id)
    stored = session.scalars(
        select(TherapySession).where(
            TherapySession.episode_id == episode.id, TherapySession.number == number
        )
    ).first()
    if stored is not None:
        raise TherapySessionExists(episode.id, number, voided=stored.voided_at is not None)
    visit = TherapySession(episode_id=episode.id, number=number, notes={})
    session.add(visit)
    held_on = check_day(
        "held_on",
        data.held_on or now.date(),
        now=now,
        limits=ctx.limits,
        not_before=episode.started_on,
        not_before_label="the episode's start, ",
    )
    visit.held_on = held_on
    visit.attended = data.attended
    if data.rupture_markers is not None:
        notes = dict(visit.notes or {})
        notes[RUPTURE_MARKERS_NOTE] = list(dict.fromkeys(data.rupture_markers))
        visit.notes = notes  # a new dict, so the JSON change is saved
    session.flush()
    return visit


def _refuse_missed_with_answers(data: TherapySessionCreate) -> None:
    if data.attended:
        return
    if data.administrations:
        raise InputError("attended", False, "true when questionnaires were given at the session")
    if data.rupture_markers:
        raise InputError("rupture_markers", data.rupture_markers, "none for a missed session")


def record_session(
    ctx: ServiceContext, actor: Actor, episode_id: int, data: TherapySessionCreate
) -> TherapySessionPublic:
    """Create the session and record its questionnaires and rupture markers.

    Raises TherapySessionExists when the number is already recorded (edit it with
    ``edit_session``), TherapySessionAnswerInvalid (instrument and item), UnknownInstrument, or
    InputError (a language the instrument lacks, an unknown marker, the same instrument
    twice, questionnaires at a missed session) before anything is written.
    """
    with episode_use_case(ctx, actor, AuditAction.SESSION_RECORD, episode_id) as (uc, episode):
        ensure_episode_open(episode)  # a closed episode is read-only (issue 12)
        _refuse_missed_with_answers(data)
        _check_markers(data.rupture_markers, data.number)
        scored = _score_all(list(data.administrations), episode.patient.preferred_language)
        now = ctx.now()
        visit = _visit(uc.session, episode, data, ctx, now)
        administered_at = (
            now
            if visit.held_on == now.date()
            else dt.datetime.combine(visit.held_on, dt.time(12), tzinfo=dt.UTC)
        )
        for administration, result in scored:
            store_administration(
                uc.session,
                episode=episode,
                result=result,
                answers=administration.answers,
                entered_by=actor.audit_name,
                administered_at=administered_at,
                entered_at=now,
                route="session",
                session_number=visit.number,
            )
        uc.detail = {
            "session": visit.number,
            "attended": visit.attended,
            "instruments": [a.instrument for a, _ in scored],
            "rupture_markers": len((visit.notes or {}).get(RUPTURE_MARKERS_NOTE) or []),
        }
        return session_public(visit)


def session_public(visit: TherapySession, *, include_voided: bool = False) -> TherapySessionPublic:
    """The session with its questionnaires (live ones, or all with ``include_voided``)."""
    public = TherapySessionPublic.model_validate(visit)
    if include_voided:
        return public
    live = [administration for administration in public.administrations if administration.live]
    return public.model_copy(update={"administrations": live})


def list_sessions(
    ctx: ServiceContext, actor: Actor, episode_id: int, *, include_voided: bool = False
) -> list[TherapySessionPublic]:
    """The episode's sessions in order, held and missed, with their questionnaires.

    Voided sessions and administrations are left out unless ``include_voided`` (the
    history, where they are shown struck through with their reason)."""
    with episode_use_case(ctx, actor, AuditAction.SESSION_LIST, episode_id, read=True) as (
        uc,
        episode,
    ):
        query = select(TherapySession).where(TherapySession.episode_id == episode.id)
        if not include_voided:
            query = query.where(LIVE_SESSION)
        visits = uc.session.scalars(query.order_by(TherapySession.number))
        return [session_public(visit, include_voided=include_voided) for visit in visits]
