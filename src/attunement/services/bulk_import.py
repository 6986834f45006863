"""Bulk import: a clinic's patients, episodes and administrations, one use case per batch.

:func:`import_batch` stores one batch of import rows (:mod:`attunement.interop.bulk`) in
one transaction with one audit entry (``import.batch``, listing the ids of the patients it
wrote and the counts, never names or answers). Only a clinic admin imports. Within a batch:

* rows whose source key is already in the import ledger (``import_ledger``) are skipped,
  so a re-run of the same file is a no-op and a run killed mid-way resumes after its last
  committed batch (an uncommitted batch left neither records nor ledger rows);
* every row is checked before anything is written, and the administrations of each
  instrument are scored together by the batch engine (``score_batch``, the same numbers as
  the single path); the first bad row refuses the whole batch with an
  :class:`~attunement.interop.bulk.ImportRowError` naming file, line, field, value and
  what is allowed, and nothing of the batch is written;
* records go in with multi-row INSERTs (no per-row ORM objects); every risk flag (an
  endorsed or unanswered risk item) opens or joins a risk event through
  :func:`~attunement.services._risk.record_risk`, exactly as the single path does;
* the stored statuses of the patients the batch wrote are refreshed in the same transaction.

:func:`run_import` cuts a stream of rows into batches and calls :func:`import_batch` for each.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from attunement.errors import AttunementError, Forbidden, InputError, InvalidAnswer, NotFound
from attunement.interop.bulk import (
    AdministrationRow,
    EpisodeRow,
    ImportRow,
    ImportRowError,
    PatientRow,
    RowSource,
)
from attunement.risk import endorsements_from_flags
from attunement.services._actors import Actor, UserActor
from attunement.services._audit import use_case
from attunement.services._context import ServiceContext
from attunement.services._limits import check_day
from attunement.services._risk import record_risk
from attunement.services._sessions import administration_language
from attunement.services._transaction import read_transaction
from attunement.store import (
    Administration,
    Episode,
    ImportLedgerEntry,
    Patient,
    ScoreRecord,
    TherapySession,
    User,
)

if TYPE_CHECKING:
    from attunement.instruments import InstrumentDefinition, Score

__all__ = [
    "BatchReport",
    "RunReport",
    "import_batch",
    "importer_actor",
    "require_importer",
    "run_import",
]

#: Ids per ``IN (…)`` list (SQLite's variable limit is far above; keeps statements small).
_CHUNK = 900
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
_T = TypeVar("_T")
_KINDS = ("patient", "episode", "administration")


@dataclass(frozen=True)
class BatchReport:
    """What one batch wrote and skipped (counts per kind) and the patients it wrote."""

    imported: dict[str, int]
    skipped: dict[str, int]
    patients: tuple[int, ...]
    rows: int


@dataclass
class RunReport:
    """A whole run: the sum of its batches."""

    batches: int = 0
    rows: int = 0
    imported: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))

    def add(self, batch: BatchReport) -> None:
        self.batches += 1
        self.rows += batch.rows
        for kind in _KINDS:
            self.imported[kind] += batch.imported.get(kind, 0)
            self.skipped[kind] += batch.skipped.get(kind, 0)


def require_importer(actor: Actor) -> UserActor:
    """The actor as a clinic admin, or Forbidden: bulk import writes every clinician's
    patients, which only the admin (who manages the clinic's accounts) may do."""
    if isinstance(actor, UserActor) and actor.role == "admin":
        return actor
    raise Forbidden("only a clinic admin may bulk import")


def run_import(
    ctx: ServiceContext,
    actor: Actor,
    units: Iterable[Sequence[ImportRow]],
    *,
    batch_size: int = 1000,
    on_batch: Callable[[BatchReport], None] | None = None,
) -> RunReport:
    """Import ``units`` (rows that belong together: one patient with their episodes and
    administrations, :func:`~attunement.interop.bulk.patient_units`) in batches of at least
    ``batch_size`` rows, cut between units. Stops at the first refused batch with its
    error; the batches before it stay committed."""
    if batch_size < 1:
        raise InputError("batch_size", batch_size, "a whole number of rows, at least 1")
    report = RunReport()
    batch: list[ImportRow] = []
    for unit in units:
        batch.extend(unit)
        if len(batch) >= batch_size:
            report.add(_one(ctx, actor, batch, on_batch))
            batch = []
    if batch:
        report.add(_one(ctx, actor, batch, on_batch))
    return report


def _one(
    ctx: ServiceContext,
    actor: Actor,
    batch: Sequence[ImportRow],
    on_batch: Callable[[BatchReport], None] | None,
) -> BatchReport:
    done = import_batch(ctx, actor, batch)
    if on_batch is not None:
        on_batch(done)
    return done


def importer_actor(ctx: ServiceContext, username: str) -> UserActor:
    """The active admin account ``username`` as the actor of an import (``--as``), or
    NotFound / Forbidden (an account that may not import)."""
    with read_transaction(ctx.sessions) as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None or not user.active:
            raise NotFound("account", username)
        actor = UserActor(
            user_id=user.id,
            username=user.username,
            role=user.role,
            also_clinician=user.also_clinician,
        )
    return require_importer(actor)


def import_batch(ctx: ServiceContext, actor: Actor, rows: Sequence[ImportRow]) -> BatchReport:
    """Store one batch in one transaction with one audit entry (see the module docstring)."""
    with use_case(ctx, actor, "import.batch") as uc:
        require_importer(actor)
        session = uc.session
        now = ctx.now()
        patients = [r for r in rows if isinstance(r, PatientRow)]
        episodes = [r for r in rows if isinstance(r, EpisodeRow)]
        administrations = [r for r in rows if isinstance(r, AdministrationRow)]
        _refuse_repeated_keys(rows)
        known = _ledger(
            session,
            [
                *(f"patient:{r.key}" for r in patients),
                *(f"patient:{r.patient_key}" for r in episodes),
                *(f"episode:{r.key}" for r in episodes),
                *(f"episode:{r.episode_key}" for r in administrations),
                *(f"administration:{r.key}" for r in administrations),
            ],
        )
        new_patients = [r for r in patients if f"patient:{r.key}" not in known]
        new_episodes = [r for r in episodes if f"episode:{r.key}" not in known]
        new_administrations = [r for r in administrations if f"administration:{r.key}" not in known]
        written: set[int] = set()
        _store_patients(session, new_patients, known, now=now)
        _store_episodes(session, ctx, new_episodes, known, now=now)
        written.update(known[f"patient:{r.key}"] for r in new_patients)
        written.update(known[f"patient:{r.patient_key}"] for r in new_episodes)
        written.update(
            _store_administrations(
                session,
                ctx,
                new_administrations,
                known,
                now=now,
                entered_by=f"import:{actor.audit_name}",
            )
        )
        uc.touched = written
        imported = {
            "patient": len(new_patients),
            "episode": len(new_episodes),
            "administration": len(new_administrations),
        }
        skipped = {
            "patient": len(patients) - len(new_patients),
            "episode": len(episodes) - len(new_episodes),
            "administration": len(administrations) - len(new_administrations),
        }
        first = rows[0].source if rows else None
        last = rows[-1].source if rows else None
        uc.detail = {
            "rows": f"{first} to {last}" if first and last else "none",
            "imported": imported,
            "skipped": skipped,
            "patients": sorted(written),
        }
        return BatchReport(
            imported=imported, skipped=skipped, patients=tuple(sorted(written)), rows=len(rows)
        )


def _chunks(rows: Iterable[_T], size: int) -> Iterator[list[_T]]:  # for IN (…) lists
    chunk: list[_T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in_chunks(values: Iterable[_T]) -> Iterator[list[_T]]:
    return _chunks(sorted(set(values), key=str), _CHUNK)


def _refuse_repeated_keys(rows: Sequence[ImportRow]) -> None:
    seen: dict[str, RowSource] = {}
    for row in rows:
        kind = (
            "patient_id"
            if isinstance(row, PatientRow)
            else "episode_id"
            if isinstance(row, EpisodeRow)
            else "administration_id"
        )
        key = f"{kind}:{row.key}"
        if key in seen:
            raise ImportRowError(
                row.source, kind, row.key, f"an id not used before in the batch ({seen[key]})"
            )
        seen[key] = row.source


def _ledger(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """The record ids of the keys already imported."""
    found: dict[str, int] = {}
    for chunk in _in_chunks(keys):
        for key, record_id in session.execute(
            select(ImportLedgerEntry.key, ImportLedgerEntry.record_id).where(
                ImportLedgerEntry.key.in_(chunk)
            )
        ):
            found[str(key)] = int(record_id)
    return found


def _insert_returning_ids(session: Session, table: Any, values: list[dict[str, Any]]) -> list[int]:
    """Insert many rows in one statement per driver page; their ids in input order."""
    if not values:
        return []
    result = session.execute(
        insert(table).returning(table.id, sort_by_parameter_order=True), values
    )
    return [int(row_id) for row_id in result.scalars()]


def _write_ledger(
    session: Session, kind: str, keys: Sequence[str], ids: Sequence[int], now: dt.datetime
) -> dict[str, int]:
    entries = {f"{kind}:{key}": record_id for key, record_id in zip(keys, ids, strict=True)}
    if entries:
        session.execute(
            insert(ImportLedgerEntry),
            [
                {"key": key, "kind": kind, "record_id": record_id, "imported_at": now}
                for key, record_id in entries.items()
            ],
        )
    return entries


def _store_patients(
    session: Session, rows: Sequence[PatientRow], known: dict[str, int], *, now: dt.datetime
) -> None:
    if not rows:
        return
    clinicians: dict[str, int] = {}
    for chunk in _in_chunks(r.clinician for r in rows):
        for uid, username, role, also, active in session.execute(
            select(User.id, User.username, User.role, User.also_clinician, User.active).where(
                User.username.in_(chunk)
            )
        ):
            if active and (role != "admin" or also):
                clinicians[str(username)] = int(uid)
    taken: set[str] = set()
    for chunk in _in_chunks(r.key for r in rows):
        taken.update(
            str(k)
            for k in session.scalars(
                select(Patient.external_id).where(Patient.external_id.in_(chunk))
            )
        )
    for row in rows:
        if row.clinician not in clinicians:
            raise ImportRowError(
                row.source, "clinician", row.clinician, "the username of an active clinician"
            )
        if row.key in taken:
            raise ImportRowError(
                row.source,
                "patient_id",
                row.key,
                "an id that no patient registered outside this import has",
            )
        if not _LANGUAGE.match(row.preferred_language):
            raise ImportRowError(
                row.source,
                "preferred_language",
                row.preferred_language,
                "a language tag: en, es, pt-BR",
            )
    ids = _insert_returning_ids(
        session,
        Patient,
        [
            {
                "external_id": r.key,
                "display_name": r.display_name,
                "preferred_language": r.preferred_language,
                "clinician_id": clinicians[r.clinician],
                "profile": {},
                "synthetic": r.synthetic,
                "created_at": now,
            }
            for r in rows
        ],
    )
    known.update(_write_ledger(session, "patient", [r.key for r in rows], ids, now))


def _store_episodes(
    session: Session,
    ctx: ServiceContext,
    rows: Sequence[EpisodeRow],
    known: dict[str, int],
    *,
    now: dt.datetime,
) -> None:
    from attunement.instruments import require_role

    if not rows:
        return
    patient_ids = {}
    for row in rows:
        pid = known.get(f"patient:{row.patient_key}")
        if pid is None:
            raise ImportRowError(
                row.source, "patient_id", row.patient_key, "the id of a patient imported before"
            )
        patient_ids[row.key] = pid
        try:
            require_role("outcome_instrument", row.outcome_instrument, "outcome")
            if row.alliance_instrument:
                require_role("alliance_instrument", row.alliance_instrument, "alliance")
            check_day("started_on", row.started_on, now=now, limits=ctx.limits)
        except InputError as error:
            raise ImportRowError(row.source, error.field, error.value, error.allowed) from None
        except AttunementError as error:  # an unknown instrument
            raise ImportRowError(
                row.source, "outcome_instrument", row.outcome_instrument, error.message
            ) from None
    open_before: set[int] = set()
    for chunk in _in_chunks(patient_ids.values()):
        open_before.update(
            session.scalars(
                select(Episode.patient_id).where(
                    Episode.patient_id.in_(chunk), Episode.ended_on.is_(None)
                )
            )
        )
    clinician_of = {}
    for chunk in _in_chunks(patient_ids.values()):
        clinician_of.update(
            {
                int(p): int(c)
                for p, c in session.execute(
                    select(Patient.id, Patient.clinician_id).where(Patient.id.in_(chunk))
                )
            }
        )
    seen: set[int] = set()
    for row in rows:
        pid = patient_ids[row.key]
        if pid in open_before or pid in seen:
            raise ImportRowError(
                row.source,
                "patient_id",
                row.patient_key,
                "a patient without an open episode (one open episode per patient)",
            )
        seen.add(pid)
    ids = _insert_returning_ids(
        session,
        Episode,
        [
            {
                "patient_id": patient_ids[r.key],
                "clinician_id": clinician_of[patient_ids[r.key]],
                "started_on": r.started_on,
                "outcome_instrument": r.outcome_instrument,
                "alliance_instrument": r.alliance_instrument,
            }
            for r in rows
        ],
    )
    known.update(_write_ledger(session, "episode", [r.key for r in rows], ids, now))


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
    for chunk in _in_chunks(ids.values()):
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
    from attunement.instruments import load_instrument

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
    """Every row scored by the batch engine, one call per instrument and language."""
    from attunement.instruments import score_batch
    from attunement.instruments._batch import batch_row

    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (definition, language) in enumerate(checked):
        groups[(definition.id, language)].append(index)
    scores: list[Score | None] = [None] * len(rows)
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
    for chunk in _in_chunks(eid for eid, _ in wanted):
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
    ids = _insert_returning_ids(
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


def _store_administrations(
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
    ids = _insert_returning_ids(
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
    session.execute(
        insert(ScoreRecord),
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
    _write_ledger(session, "administration", [r.key for r in rows], ids, now)
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
    """Every risk flag opens or joins a risk event (``record_risk``, the one place), the
    endorsements of one patient's episode passed together in row order."""
    pending: dict[tuple[int, int], list[Any]] = {}
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
    for (patient_id, episode_id), endorsements in pending.items():
        record_risk(
            session,
            patient_id=patient_id,
            episode_id=episode_id,
            endorsements=endorsements,
            now=now,
        )
