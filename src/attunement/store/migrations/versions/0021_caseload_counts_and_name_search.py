"""caseload counts kept by triggers; a normalised, indexed patient search name

The caseload's totals (episodes per alert, open risks, overdue episodes) counted every
``episode_statuses`` row of the caller's clinicians on each request: the one query of the
caseload that grew with the clinic (issue 13). ``caseload_counts`` holds those rows counted
by the columns the caseload filters on (clinician, listed, has an episode, alert, rank, the
date the next measure is counted from), kept exact by triggers on ``episode_statuses`` (SQL
triggers on SQLite, a PL/pgSQL trigger function on PostgreSQL), so every writer (use
cases, the bulk import, status refreshes, cascaded deletes) keeps it right without knowing
of it. Existing rows are counted once here.

``patients.search_name`` is the display name as the name search compares it
(``store.name_search_key``: accents dropped, casefolded), filled here for existing patients
and indexed: on PostgreSQL a trigram GIN index (extension ``pg_trgm``, which the database
owner may create), so that "part of the name" is found without reading every patient.

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-06 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from attunement.store import name_search_key

revision = "0021"
down_revision = "0018"
branch_labels = None
depends_on = None

_KEY = "clinician_id, listed, has_episode, alert, rank, measure_due_from"


def _values(row: str, never: str) -> str:
    """The key of an ``episode_statuses`` row (``NEW`` or ``OLD``) as caseload_counts holds it."""
    return (
        f"{row}.clinician_id, {row}.listed, {row}.episode_id IS NOT NULL, "
        f"coalesce({row}.alert, ''), {row}.rank, coalesce({row}.measure_due_from, {never})"
    )


def _matches(row: str, never: str) -> str:
    return (
        f"clinician_id = {row}.clinician_id AND listed = {row}.listed "
        f"AND has_episode = ({row}.episode_id IS NOT NULL) "
        f"AND alert = coalesce({row}.alert, '') AND rank = {row}.rank "
        f"AND measure_due_from = coalesce({row}.measure_due_from, {never})"
    )


def _changed() -> str:
    return " OR ".join(
        f"OLD.{column} IS NOT NEW.{column}"
        for column in ("clinician_id", "listed", "episode_id", "alert", "rank", "measure_due_from")
    )


_SQLITE_NEVER = "'9999-12-31'"  # store.NO_MEASURE_DATE, as SQLAlchemy stores a Date
_POSTGRES_NEVER = "DATE '9999-12-31'"
_SQLITE_ADD = (
    f"INSERT INTO caseload_counts ({_KEY}, tally) VALUES ({_values('NEW', _SQLITE_NEVER)}, 1) "  # noqa: S608 (constants only)
    f"ON CONFLICT ({_KEY}) DO UPDATE SET tally = tally + 1;"
)
_SQLITE_REMOVE = (
    f"UPDATE caseload_counts SET tally = tally - 1 WHERE {_matches('OLD', _SQLITE_NEVER)};"  # noqa: S608
)

#: The triggers, by dialect (a SQLite batch migration of episode_statuses must recreate them).
#: On PostgreSQL they are deferred to the commit: concurrent writers of one clinician meet
#: on the same counted row (today's date, their alert), whose lock is then held only while
#: the transaction commits, not from the status refresh through the audit append.
CASELOAD_COUNT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER caseload_counts_insert AFTER INSERT ON episode_statuses "
        f"BEGIN {_SQLITE_ADD} END",
        "CREATE TRIGGER caseload_counts_delete AFTER DELETE ON episode_statuses "
        f"BEGIN {_SQLITE_REMOVE} END",
        "CREATE TRIGGER caseload_counts_update AFTER UPDATE ON episode_statuses "
        f"WHEN {_changed()} BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
    ],
    "postgresql": [
        "CREATE FUNCTION caseload_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
        "BEGIN "
        # a row moving between two counted rows locks both in one order (by id), so two
        # writers moving rows the opposite ways wait for each other instead of deadlocking
        "IF TG_OP = 'UPDATE' THEN "
        f"INSERT INTO caseload_counts ({_KEY}, tally) "
        f"VALUES ({_values('NEW', _POSTGRES_NEVER)}, 0) ON CONFLICT ({_KEY}) DO NOTHING; "
        "PERFORM 1 FROM caseload_counts "
        f"WHERE ({_matches('OLD', _POSTGRES_NEVER)}) OR ({_matches('NEW', _POSTGRES_NEVER)}) "
        "ORDER BY id FOR UPDATE; "
        "END IF; "
        "IF TG_OP <> 'INSERT' THEN "
        "UPDATE caseload_counts SET tally = tally - 1 "
        f"WHERE {_matches('OLD', _POSTGRES_NEVER)}; "
        "END IF; "
        "IF TG_OP <> 'DELETE' THEN "
        f"INSERT INTO caseload_counts AS c ({_KEY}, tally) "
        f"VALUES ({_values('NEW', _POSTGRES_NEVER)}, 1) "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET tally = c.tally + 1; "
        "END IF; "
        "RETURN NULL; "
        "END $$",
        "CREATE CONSTRAINT TRIGGER caseload_counts_insert_delete "
        "AFTER INSERT OR DELETE ON episode_statuses DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION caseload_counts_track()",
        "CREATE CONSTRAINT TRIGGER caseload_counts_update AFTER UPDATE ON episode_statuses "
        "DEFERRABLE INITIALLY DEFERRED "
        f"FOR EACH ROW WHEN ({_changed().replace(' IS NOT ', ' IS DISTINCT FROM ')}) "
        "EXECUTE FUNCTION caseload_counts_track()",
    ],
}


def _add_search_name() -> None:
    column = sa.Column("search_name", sa.Text(), server_default="", nullable=False)
    op.add_column("patients", column)
    bind = op.get_bind()
    patients = sa.table(
        "patients", sa.column("id", sa.Integer), sa.column("display_name", sa.String)
    )
    found = bind.execute(sa.select(patients.c.id, patients.c.display_name)).all()
    keys = [{"key": name_search_key(name or ""), "pid": pid} for pid, name in found]
    for start in range(0, len(keys), 1000):
        bind.execute(
            sa.text("UPDATE patients SET search_name = :key WHERE id = :pid"),
            keys[start : start + 1000],
        )
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_patients_search_name",
            "patients",
            ["search_name"],
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        )
    else:
        op.create_index("ix_patients_search_name", "patients", ["search_name"])


def upgrade() -> None:
    _add_search_name()
    op.create_table(
        "caseload_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("has_episode", sa.Boolean(), nullable=False),
        sa.Column("alert", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("measure_due_from", sa.Date(), nullable=False),
        sa.Column("tally", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "clinician_id",
            "listed",
            "has_episode",
            "alert",
            "rank",
            "measure_due_from",
            name="uq_caseload_counts_key",
        ),
    )
    dialect = op.get_bind().dialect.name
    never = _SQLITE_NEVER if dialect == "sqlite" else _POSTGRES_NEVER
    op.execute(
        f"INSERT INTO caseload_counts ({_KEY}, tally) "  # noqa: S608 (constants only)
        f"SELECT {_values('s', never)}, count(*) FROM episode_statuses AS s "
        f"GROUP BY {_values('s', never)}"
    )
    for statement in CASELOAD_COUNT_TRIGGERS[dialect]:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ("caseload_counts_insert", "caseload_counts_delete", "caseload_counts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + _on_table())
    op.execute(f"DROP TRIGGER IF EXISTS caseload_counts_insert_delete{_on_table()}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS caseload_counts_track()")
    op.drop_table("caseload_counts")
    op.drop_index("ix_patients_search_name", table_name="patients")
    with op.batch_alter_table("patients") as batch:
        batch.drop_column("search_name")


def _on_table() -> str:
    return " ON episode_statuses" if op.get_bind().dialect.name == "postgresql" else ""
