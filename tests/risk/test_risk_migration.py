"""Upgrading to risk events: every stored risk flag becomes an open event (both backends)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text

from attunement.store import make_engine, migrate

NOW = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
ENDORSED = {
    "id": "phq9_item9_risk",
    "severity": "critical",
    "item": "phq9_9",
    "message": "Item 9 was endorsed",
}
UNANSWERED = {
    "id": "phq9_item9_risk_unanswered",
    "severity": "warning",
    "item": "phq9_9",
    "message": "Item 9 was left unanswered",
}


def _administration(connection: object, admin_id: int, flags: list[dict[str, str]]) -> None:
    run = connection.execute  # type: ignore[attr-defined]
    run(
        text(
            "INSERT INTO administrations (id, episode_id, session_id, instrument_id, "
            "definition_version, answers, language, entered_by, administered_at, entered_at) "
            "VALUES (:id, 1, 1, 'phq9', '1.0', '[1,1,1,1,1,1,1,1,2]', 'en', 'user:1', :now, :now)"
        ),
        {"id": admin_id, "now": NOW + dt.timedelta(days=admin_id)},
    )
    run(
        text(
            "INSERT INTO scores (administration_id, definition_version, scales, flags, "
            "has_risk_flag, computed_at) VALUES (:id, '1.0', '{}', :flags, true, :now)"
        ),
        {"id": admin_id, "flags": json.dumps(flags), "now": NOW},
    )


def test_stored_risk_flags_become_open_events_on_upgrade(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine, "0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, display_name, role, active, synthetic, "
                "created_at) VALUES (1, 'dr_a', 'Dr A', 'clinician', true, false, :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO patients (id, display_name, preferred_language, clinician_id, "
                "profile, synthetic, created_at) VALUES (1, 'P', 'en', 1, '{}', false, :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO episodes (id, patient_id, clinician_id, started_on, "
                "outcome_instrument) VALUES (1, 1, 1, :day, 'phq9')"
            ),
            {"day": NOW.date()},
        )
        connection.execute(
            text(
                "INSERT INTO sessions (id, episode_id, number, held_on, attended, notes) "
                "VALUES (1, 1, 2, :day, true, '{}')"
            ),
            {"day": NOW.date()},
        )
        _administration(connection, 1, [ENDORSED])
        _administration(connection, 2, [])
        _administration(connection, 3, [ENDORSED])
        _administration(connection, 4, [UNANSWERED])
    migrate(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT kind, responded_at, endorsements FROM risk_events ORDER BY kind")
        ).all()
    engine.dispose()
    assert [(kind, responded) for kind, responded, _ in rows] == [
        ("endorsed", None),
        ("unanswered", None),
    ]
    endorsed = rows[0][2] if isinstance(rows[0][2], list) else json.loads(rows[0][2])
    assert [e["administration_id"] for e in endorsed] == [1, 3]
    assert {e["session"] for e in endorsed} == {2}
