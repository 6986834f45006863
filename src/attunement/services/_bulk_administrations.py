"""Storing bulk-import administrations: checked, batch-scored, inserted with their scores,
sessions and ledger rows, and their risk flags recorded (:mod:`.bulk_import`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import AttunementError, InputError, InvalidAnswer
from attunement.exports import AdministrationRow, ImportRowError
from attunement.instruments import batch_row, load_instrument, score_batch
from attunement.risk import endorsements_from_flags
from attunement.services._bulk_store import in_chunks, insert_returning_ids, table_of, write_ledger
from attunement.services._context import ServiceContext
from attunement.services._limits import check_day
from attunement.services._risk_records import record_risks
from attunement.services._sessions import administration_language
from attunement.store import (
    Administration,
    Episode,
    Patient,
    ScoreRecord,
    TherapySession,
    insert_rows,
)

if TYPE_CHECKING:
    from attunement.instruments import InstrumentDefinition, Score

__all__ = ["store_administrations"]


@dataclass(frozen=True)
class _EpisodeInfo:
    id: int
    patient_id: int
    started_on: dt.date
    open: bool
    language: str


def _episodes_of(
    session: Session, rows: Sequence[AdministrationRow], known: dict[str, int]
) -> dict[str, _EpisodeInfo]:
    ids: dict[str, int] = {}
    for row in rows:
        eid = known.get(f"episode:{row.episode_key}")
        if eid is None:
            raise ImportRowError(
                row.source, "episode_id", row.episode_key, "the id of an episode imported before"
            )
        ids[row.episode_key] = eid
    found: dict[int, _EpisodeInfo] = {}
    for chunk in in_chunks(ids.values()):
        query = (
            select(
                Episode.id,
                Episode.patient_id,
                Episode.started_on,
                Episode.ended_on,
                Patient.preferred_language,
            )
            .join(Patient, Patient.id == Episode.patient_id)
            .where(Episode.id.in_(chunk))
        )
        for eid, pid, started, ended, language in session.execute(query):
            found[int(eid)] = _EpisodeInfo(int(eid), int(pid), started, ended is None, language)
    return {key: found[eid] for key, eid in ids.items()}


def _checked(
    rows: Sequence[AdministrationRow],
    episodes: dict[str, _EpisodeInfo],
    ctx: ServiceContext,
    now: dt.datetime,
) -> list[tuple[InstrumentDefinition, str]]:
    """Each row's definition and scoring language, or the first row's error."""

    definitions: dict[str, InstrumentDefinition] = {}
    checked = []
    for row in rows:
        episode = episodes[row.episode_key]
        try:
            definition = definitions.get(row.instrument) or load_instrument(row.instrument)
        except AttunementError as error:
            raise ImportRowError(row.source, "instrument", row.instrument, error.message) from None
        definitions[row.instrument] = definition
        try:
            if not episode.open:
                raise InputError("episode_id", row.episode_key, "an open episode")
            check_day(
                "held_on",
                row.held_on,
                now=now,
                limits=ctx.limits,
                not_before=episode.started_on,
                not_before_label="the episode's start, ",
            )
            language = administration_language(definition, row.language, episode.language)
        except InputError as error:
            raise ImportRowError(row.source, error.field, error.value, error.allowed) from None
        if len(row.answers) != len(definition.items):
            raise ImportRowError(
                row.source,
                "answers",
                f"{len(row.answers)} answers",
                f"{len(definition.items)} answers, one per item of {definition.id}",
            )
        checked.append((definition, language))
    return checked


def _scored(
    rows: Sequence[AdministrationRow], checked: Sequence[tuple[InstrumentDefinition, str]]
) -> list[Score]:
    """Every row scored by the batch engine, one call per instrument and language (a row
    the translator scored already, with the current definition in the same language, keeps
    that score: the FHIR path scores each response while checking it)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    scores: list[Score | None] = [None] * len(rows)
    for index, (definition, language) in enumerate(checked):
        given = rows[index].scored
        if (
            given is not None
            and given.instrument == definition.id
            and given.version == definition.version
            and given.language == language
        ):
            scores[index] = given
        else:
            groups[(definition.id, language)].append(index)
    for (_, language), indices in groups.items():
        definition = checked[indices[0]][0]
        answers = np.array(
            [[np.nan if a is None else a for a in rows[i].answers] for i in indices],
            dtype=np.float64,
        )
        try:
            batch = score_batch(definition, answers, language=language)
        except InvalidAnswer as error:
            position = getattr(error, "row", 0)
            row = rows[indices[position]]
            item = getattr(error, "item", error.field)
            raise ImportRowError(
                row.source, f"answers ({item})", error.value, error.allowed, risk=error.risk
            ) from None
        for position, index in enumerate(indices):
            scores[index] = batch_row(batch, position)
    return [s for s in scores if s is not None]


def _sessions(
    session: Session, rows: Sequence[AdministrationRow], episodes: dict[str, _EpisodeInfo]
) -> dict[tuple[int, int], int]:
    """The session id of each (episode, number) the rows name; missing ones are created,
    held on the day of their first row (a voided session takes no new questionnaire)."""
    wanted: dict[tuple[int, int], AdministrationRow] = {}
    for row in rows:
        wanted.setdefault((episodes[row.episode_key].id, row.session), row)
    found: dict[tuple[int, int], int] = {}
    for chunk in in_chunks(eid for eid, _ in wanted):
        query = select(
            TherapySession.id,
            TherapySession.episode_id,
            TherapySession.number,
            TherapySession.voided_at,
        ).where(TherapySession.episode_id.in_(chunk))
        for sid, eid, number, voided in session.execute(query):
            pair = (int(eid), int(number))
            if pair in wanted and voided is not None:
                raise ImportRowError(
                    wanted[pair].source,
                    "session",
                    number,
                    "a session that is not voided (record a new one)",
                )
            found[pair] = int(sid)
    missing = [pair for pair in wanted if pair not in found]
    ids = insert_returning_ids(
        session,
        TherapySession,
        [
            {
                "episode_id": eid,
                "number": number,
                "held_on": wanted[(eid, number)].held_on,
                "attended": True,
                "notes": {},
            }
            for eid, number in missing
        ],
    )
    found.update(zip(missing, ids, strict=True))
    return found


def store_administrations(
    session: Session,
    ctx: ServiceContext,
    rows: Sequence[AdministrationRow],
    known: dict[str, int],
    *,
    now: dt.datetime,
    entered_by: str,
) -> set[int]:
    """Store the rows with their scores and risk events; the ids of their patients."""
    if not rows:
        return set()
    episodes = _episodes_of(session, rows, known)
    scores = _scored(rows, _checked(rows, episodes, ctx, now))
    visits = _sessions(session, rows, episodes)
    moments = [dt.datetime.combine(r.held_on, dt.time(12), tzinfo=dt.UTC) for r in rows]
    ids = insert_returning_ids(
        session,
        Administration,
        [
            {
                "episode_id": episodes[r.episode_key].id,
                "session_id": visits[(episodes[r.episode_key].id, r.session)],
                "toward_session": None,
                "instrument_id": s.instrument,
                "definition_version": s.version,
                "answers": list(r.answers),
                "language": s.language,
                "entered_by": entered_by,
                "administered_at": at,
                "entered_at": now,
            }
            for r, s, at in zip(rows, scores, moments, strict=True)
        ],
    )
    insert_rows(
        session.connection(),
        table_of(ScoreRecord),
        [
            {
                "administration_id": aid,
                "definition_version": s.version,
                "scales": {name: v.model_dump(mode="json") for name, v in s.scales.items()},
                "flags": [flag.model_dump(mode="json") for flag in s.flags],
                "has_risk_flag": any(flag.endorsed for flag in s.flags),
                "computed_at": now,
            }
            for aid, s in zip(ids, scores, strict=True)
        ],
    )
    write_ledger(session, "administration", [r.key for r in rows], ids, now)
    _record_risks(
        session, rows=rows, scores=scores, ids=ids, episodes=episodes, moments=moments, now=now
    )
    return {episodes[r.episode_key].patient_id for r in rows}


def _record_risks(
    session: Session,
    *,
    rows: Sequence[AdministrationRow],
    scores: Sequence[Score],
    ids: Sequence[int],
    episodes: dict[str, _EpisodeInfo],
    moments: Sequence[dt.datetime],
    now: dt.datetime,
) -> None:
    """Every risk flag opens or joins a risk event (``record_risks``, the one place), the
    endorsements of one patient's episode passed together in row order."""
    pending: dict[tuple[int, int | None], list[Any]] = {}
    for row, result, aid, at in zip(rows, scores, ids, moments, strict=True):
        if not result.flags:
            continue
        episode = episodes[row.episode_key]
        pending.setdefault((episode.patient_id, episode.id), []).extend(
            endorsements_from_flags(
                result.flags,
                instrument=result.instrument,
                route="import",
                session=row.session,
                at=at,
                administration_id=aid,
                language=result.language,
            )
        )
    record_risks(session, pending, now=now)
