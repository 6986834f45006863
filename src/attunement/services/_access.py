"""Access rules, checked in the service layer for every use case (issue 6).

* clinician — their own patients, read and write;
* supervisor — their own patients (read and write) and the patients of the clinicians they
  supervise (read only: a write answers Forbidden, since the record is visible to them);
* admin — users and the audit trail; no clinical content unless also a clinician;
* patient invitation — only the self-report of that invitation;
* operator (CLI) — the operator use cases only; those that read or write clinical records
  (reports, FHIR export and import) see every patient (``operator=True``).

:func:`load_patient` is the one patient-access check: every use case that reads or writes
a patient's record passes through it (an episode through :func:`load_episode`, or
:func:`check_episode_read` for a read that fetched its columns itself, a list through
:func:`readable_patients`), and :func:`may_change` is the one write rule, which the
web pages use to offer only the forms the services will accept.

A patient the caller may not see answers NotFound, exactly like one that does not exist, so
ids are never confirmed; so does an id outside the storage range (:mod:`._ids`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session, joinedload

from attunement.errors import Forbidden, NotFound
from attunement.services._actors import Actor, OperatorActor, UserActor
from attunement.services._ids import get_row
from attunement.store import Episode, Patient, User

__all__ = [
    "check_episode_read",
    "load_episode",
    "load_patient",
    "may_change",
    "readable_clinician_ids",
    "readable_patients",
    "require_admin",
    "require_caseload",
]


def readable_clinician_ids(session: Session, actor: Actor) -> set[int]:
    """Ids of the clinicians whose patients ``actor`` may read (empty: none)."""
    if not isinstance(actor, UserActor) or not actor.treats_patients:
        return set()
    ids = {actor.user_id}
    if actor.role == "supervisor":
        ids.update(session.scalars(select(User.id).where(User.supervisor_id == actor.user_id)))
    return ids


def require_caseload(actor: Actor) -> UserActor:
    """The actor as a user with a caseload, or Forbidden (admins, patients, operators)."""
    if isinstance(actor, UserActor) and actor.treats_patients:
        return actor
    raise Forbidden("this account has no access to clinical records")


def require_admin(actor: Actor) -> Actor:
    """Admins and the CLI operator manage users and read the audit trail."""
    if isinstance(actor, OperatorActor) or (isinstance(actor, UserActor) and actor.role == "admin"):
        return actor
    raise Forbidden("only an admin may do this")


def may_change(actor: Actor, clinician_id: int) -> bool:
    """Whether ``actor`` may change a record of a patient of ``clinician_id`` (they treat
    them; a supervisor only reads their supervisees' patients)."""
    return isinstance(actor, UserActor) and actor.treats_patients and clinician_id == actor.user_id


def readable_patients(
    session: Session, actor: Actor, *, operator: bool = False
) -> ColumnElement[bool]:
    """The condition on ``Patient`` for the patients ``actor`` may read (with ``operator``:
    the CLI operator reads all of them); Forbidden for an account without a caseload."""
    if operator and isinstance(actor, OperatorActor):
        return true()
    return Patient.clinician_id.in_(readable_clinician_ids(session, require_caseload(actor)))


def load_patient(
    session: Session, actor: Actor, patient_id: int, *, write: bool, operator: bool = False
) -> Patient:
    """The patient, if ``actor`` may see it; Forbidden for a supervisor's write. With
    ``operator``, the use case is one the CLI operator may run on any patient."""
    patient = get_row(session, Patient, patient_id)
    if patient is not None and operator and isinstance(actor, OperatorActor):
        return patient
    if patient is None or not _may_read(session, actor, patient.clinician_id):
        raise NotFound("patient", patient_id)
    if write and not may_change(actor, patient.clinician_id):
        raise Forbidden("supervisors may view their supervisees' patients but not change them")
    return patient


def _may_read(session: Session, actor: Actor, clinician_id: int) -> bool:
    return clinician_id in readable_clinician_ids(session, actor)


def check_episode_read(session: Session, actor: Actor, episode_id: int, clinician_id: int) -> None:
    """The access check of :func:`load_episode`, for a read that fetched the clinician of
    the episode's patient with its own columns rather than the episode and its patient as
    rows: NotFound unless ``actor`` may read it."""
    if not _may_read(session, actor, clinician_id):
        raise NotFound("episode", episode_id)


def load_episode(
    session: Session, actor: Actor, episode_id: int, *, write: bool, operator: bool = False
) -> Episode:
    """The episode, if ``actor`` may see its patient (same rules as :func:`load_patient`,
    ``operator`` included).

    For a write the episode's row is locked first and read as last committed, so what the
    use case checks (open or closed, its sessions) cannot change under it: a session
    recorded while another request closes the episode either comes first or is refused as
    closed — it never lands in the closed episode.
    """
    # a read takes the patient in the same query (the check below finds it loaded)
    read_patient = () if write else (joinedload(Episode.patient),)
    episode = get_row(session, Episode, episode_id, lock=write, options=read_patient)
    if episode is None:
        raise NotFound("episode", episode_id)
    try:
        load_patient(session, actor, episode.patient_id, write=write, operator=operator)
    except NotFound:
        raise NotFound("episode", episode_id) from None
    return episode
