"""Bulk import: a clinic's patients, episodes and administrations, one use case per batch.

:func:`import_batch` stores one batch of import rows (:mod:`attunement.exports`) in
one transaction with one audit entry (``import.batch``, listing the ids of the patients it
wrote and the counts, never names or answers). Only a clinic admin imports. Within a batch:

* rows whose source key is already in the import ledger (``import_ledger``) are skipped,
  so a re-run of the same file is a no-op and a run killed mid-way resumes after its last
  committed batch (an uncommitted batch left neither records nor ledger rows);
* every row is checked before anything is written, and the administrations of each
  instrument are scored together by the batch engine (``score_batch``, the same numbers as
  the single path); the first bad row refuses the whole batch with an
  :class:`~attunement.exports.ImportRowError` naming file, line, field, value and
  what is allowed, and nothing of the batch is written;
* records go in with multi-row INSERTs (no per-row ORM objects); every risk flag (an
  endorsed or unanswered risk item) opens or joins a risk event through
  :func:`~attunement.services._risk.record_risk`, exactly as the single path does;
* the stored statuses of the patients the batch wrote are refreshed in the same transaction,
  with the clinic-derived norms in use (:mod:`attunement.services._clinic_norms`): a batch
  does not take them again, or each batch would re-assess every episode imported before it.

:func:`run_import` cuts a stream of rows into batches and calls :func:`import_batch` for each,
then takes the clinic norms again where due and recomputes the statuses computed with other
ones (:func:`settle_statuses`, one audited ``status.refresh``). A run killed before that step
leaves every status consistent with the norms in use; the next write, the next run or the
start-up refresh takes them.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from sqlalchemy import select

from attunement.errors import Forbidden, InputError, NotFound
from attunement.exports import AdministrationRow, EpisodeRow, ImportRow, PatientRow
from attunement.services._actors import Actor, UserActor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._bulk_administrations import store_administrations
from attunement.services._bulk_store import (
    ledger,
    refuse_repeated_keys,
    store_episodes,
    store_patients,
)
from attunement.services._context import ServiceContext
from attunement.services._status_store import (
    refresh_patients_now,
    refresh_stale_in,
    retake_norms_in_use,
    stale_patients,
)
from attunement.services._transaction import read_transaction
from attunement.store import User

__all__ = [
    "MAX_WORKERS",
    "BatchReport",
    "RunReport",
    "import_batch",
    "importer_actor",
    "require_importer",
    "run_import",
    "settle_statuses",
]

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
    workers: int = 1,
    worker_context: Callable[[], ServiceContext] | None = None,
    on_batch: Callable[[BatchReport], None] | None = None,
) -> RunReport:
    """Import ``units`` (rows that belong together: one patient with their episodes and
    administrations, :func:`~attunement.exports.patient_units`) in batches of at least
    ``batch_size`` rows, cut between units. Stops at the first refused batch with its
    error; the batches committed before it stay committed, and a re-run skips them.

    With ``workers`` > 1 (PostgreSQL only) that many worker processes import batches side
    by side, each with the context ``worker_context`` opens (a picklable callable: it is
    called in each process); see :func:`_in_processes`."""
    if batch_size < 1:
        raise InputError("batch_size", batch_size, "a whole number of rows, at least 1")
    if not 1 <= workers <= MAX_WORKERS:
        raise InputError("workers", workers, f"a whole number from 1 to {MAX_WORKERS}")
    with ctx.sessions() as session:  # no connection: the engine's dialect only
        dialect = session.get_bind().dialect.name
    if workers > 1 and dialect != "postgresql":
        raise InputError("workers", workers, "1 on SQLite (it has one writer); more on PostgreSQL")
    report = RunReport()
    batches = _batches(units, batch_size)
    if workers == 1:
        for batch in batches:
            report.add(_one(ctx, actor, batch, on_batch))
        settle_statuses(ctx, actor)
        return report
    if worker_context is None:
        raise ValueError("worker_context is needed to import with several workers")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(worker_context,),
    ) as pool:
        _in_processes(pool, actor, batches, workers=workers, on_batch=on_batch, report=report)
        settle_statuses(ctx, actor, pool=pool)
    return report


#: The most worker processes of one import (a worker is a core's worth of client work;
#: the database server needs cores too).
MAX_WORKERS = 8


def _batches(units: Iterable[Sequence[ImportRow]], batch_size: int) -> Iterator[list[ImportRow]]:
    batch: list[ImportRow] = []
    for unit in units:
        batch.extend(unit)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _in_processes(
    pool: ProcessPoolExecutor,
    actor: Actor,
    batches: Iterator[list[ImportRow]],
    *,
    workers: int,
    on_batch: Callable[[BatchReport], None] | None,
    report: RunReport,
) -> None:
    """Import the batches in the ``workers`` processes of ``pool``, at most two per worker
    in flight (the rest are not read into memory yet). Validating, scoring and computing
    statuses is Python work that one process does on one core; on PostgreSQL several
    processes keep the cores and the server busy at once. Batches hold disjoint patients
    (a unit is never cut), each commits on its own with its audit entry (the audit chain
    stays linear across processes, as with several app servers), and the ledger keeps a
    batch from importing anything twice. The first refusal is raised once the batches
    already running have ended; no batch starts after it."""

    def collect(finished: Iterable[Future[BatchReport]]) -> BaseException | None:
        for future in finished:
            error = future.exception()
            if error is not None:
                return error
            done = future.result()
            report.add(done)
            if on_batch is not None:
                on_batch(done)
        return None

    failure: BaseException | None = None
    running: set[Future[BatchReport]] = set()
    for batch in batches:
        running.add(pool.submit(_worker_batch, actor, batch))
        if len(running) >= 2 * workers:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            failure = collect(finished)
            if failure is not None:
                break
    finished, _ = wait(running)
    failure = failure or collect(finished)
    if failure is not None:
        raise failure


_WORKER: ServiceContext | None = None


def _start_worker(worker_context: Callable[[], ServiceContext]) -> None:
    global _WORKER  # noqa: PLW0603 - the worker process's one context, opened once
    _WORKER = worker_context()


def _worker() -> ServiceContext:
    if _WORKER is None:  # the initializer runs before any task
        raise RuntimeError("import worker without a context")
    return _WORKER


def _worker_batch(actor: Actor, batch: list[ImportRow]) -> BatchReport:
    return import_batch(_worker(), actor, batch)


def _worker_refresh(patient_ids: list[int]) -> None:
    ctx = _worker()
    refresh_patients_now(ctx, patient_ids)


def settle_statuses(
    ctx: ServiceContext, actor: Actor, *, pool: ProcessPoolExecutor | None = None
) -> int:
    """After an import: take the clinic norms again where due and recompute the statuses
    that are missing or were computed with other inputs, in one audited use case; how many
    patients were recomputed.

    With the ``pool`` of an import's worker processes, the use case takes the norms and
    lists the stale patients, and once it has committed the workers recompute them,
    ``_REFRESH_CHUNK`` patients per transaction (a recomputation reads the norms then in
    use, so a chunk that ran late is never staler than one that ran early)."""
    with use_case(ctx, actor, AuditAction.STATUS_REFRESH) as uc:
        require_importer(actor)
        if pool is None:
            recomputed = refresh_stale_in(uc.session, caseness=ctx.caseness, now=ctx.now())
        else:
            retake_norms_in_use(uc.session, now=ctx.now())
            stale = sorted(stale_patients(uc.session, caseness=ctx.caseness))
            recomputed = len(stale)
        uc.detail = {"after": "import", "patients": recomputed}
    if pool is not None:
        chunks = [stale[i : i + _REFRESH_CHUNK] for i in range(0, len(stale), _REFRESH_CHUNK)]
        list(pool.map(_worker_refresh, chunks))  # raises the first failure
    return recomputed


#: Patients per transaction of a refresh in the import's worker processes.
_REFRESH_CHUNK = 250


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
    with use_case(ctx, actor, AuditAction.IMPORT_BATCH) as uc:
        require_importer(actor)
        uc.take_norms = False  # taken once, at the end of the run
        session = uc.session
        now = ctx.now()
        patients = [r for r in rows if isinstance(r, PatientRow)]
        episodes = [r for r in rows if isinstance(r, EpisodeRow)]
        administrations = [r for r in rows if isinstance(r, AdministrationRow)]
        refuse_repeated_keys(rows)
        known = ledger(
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
        store_patients(session, new_patients, known, now=now)
        store_episodes(session, ctx, new_episodes, known, now=now)
        written.update(known[f"patient:{r.key}"] for r in new_patients)
        written.update(known[f"patient:{r.patient_key}"] for r in new_episodes)
        written.update(
            store_administrations(
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
