"""``attune worker`` as real processes (issue 14): killed with ``kill -9`` mid-send and
restarted, nothing is lost and nothing is sent twice; two workers on one PostgreSQL queue
never send a message twice; SIGTERM lets the job in hand finish and exits 0.

The patients are synthetic; the SMTP server is aiosmtpd on loopback, holding each DATA
reply back a little so the kill lands mid-conversation.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from attunement.security import AuditKeyring
from attunement.services import (
    EpisodeCreate,
    EpisodeScheduleSet,
    PatientContactSet,
    PatientCreate,
    UserActor,
    UserCreate,
    create_user,
    register_patient,
    service_context,
    set_episode_schedule,
    set_patient_contact,
    start_episode,
)
from attunement.store import OutboundMessage, make_engine
from tests.services.world import OPERATOR, fast_passwords
from tests.support.postgres import PostgresServer
from tests.support.smtp import SmtpSink, smtp_server

SECRET = "wK3nP8sQ1vX6zB4mT9cR2yH7fJ5dL0gA"
AUDIT_KEY = "Zr5tY8uI2oP6aS1dF9gH3jK7lQ4wE0xC"
SETTLED = {"sent", "unconfirmed"}


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[SmtpSink, int]]:
    with smtp_server() as server:
        yield server


def _seed(engine: Engine, patients: int) -> None:
    """``patients`` synthetic patients, each with a link due today."""
    ctx = service_context(
        engine,
        signing_key=SECRET,
        audit_keys=AuditKeyring([AUDIT_KEY]),
        passwords=fast_passwords(),
    )
    made = create_user(
        ctx,
        OPERATOR,
        UserCreate(
            username="cleo",
            display_name="Synthetic Cleo",
            role="clinician",
            password="correct horse battery staple",
        ),
    )
    cleo = UserActor(user_id=made.id, username="cleo", role="clinician")
    started = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=7)
    for n in range(patients):
        pid = register_patient(
            ctx, cleo, PatientCreate(display_name=f"Synthetic Patient {n}", preferred_language="en")
        ).id
        episode = start_episode(ctx, cleo, pid, EpisodeCreate(started_on=started)).id
        set_patient_contact(ctx, cleo, pid, PatientContactSet(email=f"p{n}@example.org"))
        set_episode_schedule(
            ctx, cleo, episode, EpisodeScheduleSet(mode="every_n_days", interval_days=7)
        )


def _worker(database_url: str, port: int, folder: Path) -> subprocess.Popen[str]:
    env = os.environ | {
        "ATTUNE_MODE": "dev",
        "ATTUNE_SECRET_KEY": SECRET,
        "ATTUNE_AUDIT_KEY": AUDIT_KEY,
        "ATTUNE_DATA_DIR": str(folder),
        "ATTUNE_DATABASE_URL": database_url,
        "ATTUNE_SMTP_HOST": "127.0.0.1",
        "ATTUNE_SMTP_PORT": str(port),
    }
    options = ["--poll-seconds", "0.1", "--lease-seconds", "1", "--plan-seconds", "0.2"]
    return subprocess.Popen(
        [sys.executable, "-m", "attunement", "worker", *options],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _states(engine: Engine) -> Counter[str]:
    with engine.connect() as connection:
        return Counter(connection.scalars(select(OutboundMessage.state)))


def _wait(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen[str]) -> str:
    """SIGTERM, then the exit code must be 0 within a few seconds (graceful stop)."""
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    return output


def _no_message_twice(sink: SmtpSink) -> None:
    repeated = [mid for mid, n in Counter(sink.message_ids()).items() if n > 1]
    assert repeated == []


@pytest.mark.slow
def test_a_worker_killed_mid_send_and_restarted_loses_nothing_and_sends_nothing_twice(
    engine: Engine, database_url: str, smtp: tuple[SmtpSink, int], tmp_path: Path
) -> None:
    sink, port = smtp
    sink.messages.clear()
    sink.delay = 0.15
    patients = 10
    _seed(engine, patients)
    first = _worker(database_url, port, tmp_path)
    try:
        _wait(lambda: len(sink.messages) >= 3, 60, "the first messages")
        first.send_signal(signal.SIGKILL)  # kill -9, mid-conversation
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert len(sink.messages) < patients  # the kill landed mid-run
    second = _worker(database_url, port, tmp_path)
    try:
        _wait(
            lambda: sum(_states(engine)[s] for s in SETTLED) == patients,
            60,
            "every message settled",
        )
    finally:
        _stop(second)
    states = _states(engine)
    assert set(states) <= SETTLED  # none pending, failed or lost
    _no_message_twice(sink)
    with engine.connect() as connection:
        sent = set(
            connection.scalars(
                select(OutboundMessage.message_key).where(OutboundMessage.state == "sent")
            )
        )
    received = {mid.strip("<>").split("@")[0].replace(".", ":") for mid in sink.message_ids()}
    assert sent <= received  # every message recorded as sent was received
    assert len(received) >= states["sent"]
    sink.delay = 0.0


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, postgres_template: str) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (several workers share a queue only there)."""
    name = f"attune_workers_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name, template=postgres_template)
    try:
        yield postgres_server.url_for(name)
    finally:
        postgres_server.drop_database(name)


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_on_postgresql_share_the_queue_without_sending_twice(
    postgres_url: str, smtp: tuple[SmtpSink, int], tmp_path: Path
) -> None:
    database_url = postgres_url
    engine = make_engine(database_url)
    sink, port = smtp
    sink.messages.clear()
    sink.delay = 0.2
    patients = 14
    _seed(engine, patients)
    workers = [_worker(database_url, port, tmp_path) for _ in range(2)]
    try:
        _wait(lambda: _states(engine)["sent"] == patients, 90, "every message sent")
    finally:
        outputs = [_stop(worker) for worker in workers]
    _no_message_twice(sink)
    assert len(sink.messages) == patients
    assert all("ran" in output for output in outputs)
    ran = [int(output.split("ran ")[1].split(" ")[0]) for output in outputs]
    assert all(n > 0 for n in ran), ran  # both workers took jobs from the one queue
    sink.delay = 0.0
    engine.dispose()
