"""A small clinic for the service, API and permission tests (all names synthetic).

admin; supervisor ``sam`` supervises clinician ``ana``; clinician ``ben`` is unsupervised.
``ana`` treats patient A (episode A), ``ben`` treats patient B (episode B).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import Engine

from attunement.security import Passwords
from attunement.services import (
    EpisodeCreate,
    OperatorActor,
    PatientCreate,
    ServiceContext,
    UserActor,
    UserCreate,
    create_user,
    register_patient,
    service_context,
    start_episode,
)

PASSWORD = "correct horse battery staple"
OPERATOR = OperatorActor(name="tester")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def fast_passwords(**parameters: int) -> Passwords:
    """Argon2id with tiny costs so tests run fast (the algorithm is the same)."""
    settings = {"time_cost": 1, "memory_cost": 8, "parallelism": 1} | parameters
    return Passwords(PasswordHasher(**settings))


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def make_context(engine: Engine, clock: FakeClock | None = None) -> ServiceContext:
    return service_context(
        engine,
        signing_key="test-signing-key-0123456789abcdef",
        clock=clock or FakeClock(),
        passwords=fast_passwords(),
    )


@dataclass
class World:
    admin: UserActor
    supervisor: UserActor
    ana: UserActor
    ben: UserActor
    patient_a: int
    patient_b: int
    episode_a: int
    episode_b: int


def _user(
    ctx: ServiceContext, username: str, role: str, supervisor: str | None = None
) -> UserActor:
    created = create_user(
        ctx,
        OPERATOR,
        UserCreate(
            username=username,
            display_name=username.title(),
            role=role,  # type: ignore[arg-type]
            password=PASSWORD,  # type: ignore[arg-type]
            supervisor=supervisor,
        ),
    )
    return UserActor(user_id=created.id, username=username, role=created.role)


def build_world(ctx: ServiceContext) -> World:
    admin = _user(ctx, "admin", "admin")
    supervisor = _user(ctx, "sam", "supervisor")
    ana = _user(ctx, "ana", "clinician", supervisor="sam")
    ben = _user(ctx, "ben", "clinician")
    patient_a = register_patient(
        ctx,
        ana,
        PatientCreate(display_name="Synthetic Alma", preferred_language="es", external_id="A-1"),
    ).id
    patient_b = register_patient(
        ctx,
        ben,
        PatientCreate(display_name="Synthetic Bruno", preferred_language="en", external_id="B-1"),
    ).id
    episode_a = start_episode(
        ctx, ana, patient_a, EpisodeCreate(started_on=START.date(), alliance_instrument="wai_sr")
    ).id
    episode_b = start_episode(ctx, ben, patient_b, EpisodeCreate(started_on=START.date())).id
    return World(admin, supervisor, ana, ben, patient_a, patient_b, episode_a, episode_b)
