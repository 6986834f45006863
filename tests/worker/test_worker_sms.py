"""``attune worker`` texts questionnaire links when ``ATTUNE_SMS_*`` is set (issue 14): the
edge builds the Twilio adapter from the settings, and the local server speaking Twilio's API
(``tests.support.twilio``) receives the message. A half-configured provider is refused by
name, before anything is sent. The patient is synthetic. SQLite only: the edge's wiring does
not depend on the database (tests/services/test_sms_delivery.py runs the storage side on
both).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
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
from tests.support.twilio import SENDER, SID, TOKEN, twilio_server

SECRET = "qT7vN2xK9mB4wR6zP1sD8fG3hJ5lC0yA"
AUDIT_KEY = "Lm4nB7vC1xZ9aS3dF6gH2jK8qW5eR0tY"
MOBILE = "+447700900123"


@pytest.fixture(scope="module")
def twilio() -> Iterator[tuple[str, list[dict[str, str]]]]:
    with twilio_server() as server:
        yield server


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "attunement.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def _seed(engine: Engine) -> None:
    """One synthetic patient who prefers text messages, a link due today."""
    ctx = service_context(
        engine, signing_key=SECRET, audit_keys=AuditKeyring([AUDIT_KEY]), passwords=fast_passwords()
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
    patient = register_patient(
        ctx, cleo, PatientCreate(display_name="Synthetic Patient", preferred_language="en")
    ).id
    episode = start_episode(ctx, cleo, patient, EpisodeCreate(started_on=started)).id
    set_patient_contact(
        ctx, cleo, patient, PatientContactSet(phone=MOBILE, preferred_channel="sms")
    )
    set_episode_schedule(
        ctx, cleo, episode, EpisodeScheduleSet(mode="every_n_days", interval_days=7)
    )


def _worker_once(database_url: str, folder: Path, **sms: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "ATTUNE_MODE": "dev",
        "ATTUNE_SECRET_KEY": SECRET,
        "ATTUNE_AUDIT_KEY": AUDIT_KEY,
        "ATTUNE_DATA_DIR": str(folder),
        "ATTUNE_DATABASE_URL": database_url,
    }
    env = {k: v for k, v in env.items() if not k.startswith(("ATTUNE_SMTP_", "ATTUNE_SMS_"))}
    env |= {f"ATTUNE_SMS_{name.upper()}": value for name, value in sms.items()}
    return subprocess.run(
        [sys.executable, "-m", "attunement", "worker", "--once"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_worker_texts_a_due_link_through_the_configured_provider(
    sqlite_url: str, twilio: tuple[str, list[dict[str, str]]], tmp_path: Path
) -> None:
    base_url, received = twilio
    received.clear()
    database_url = sqlite_url
    engine = make_engine(sqlite_url)
    _seed(engine)
    half = _worker_once(database_url, tmp_path, account_sid=SID)
    assert half.returncode != 0
    assert "ATTUNE_SMS_AUTH_TOKEN" in half.stdout + half.stderr
    assert "Traceback" not in half.stdout + half.stderr
    assert received == []
    done = _worker_once(
        database_url,
        tmp_path,
        account_sid=SID,
        auth_token=TOKEN,
        **{"from": SENDER},
        base_url=base_url,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(form["To"], form["From"]) for form in received] == [(MOBILE, SENDER)]
    assert "/self-report/" in received[0]["Body"]
    with engine.connect() as connection:
        rows = connection.execute(select(OutboundMessage.channel, OutboundMessage.state)).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("sms", "sent")]
