"""keyed audit chain and access grants

Issue 18. ``audit_log.key_id`` names the audit key whose HMAC-SHA256 is the entry's
``entry_hash`` from now on; the entries already stored keep their unkeyed SHA-256 hash and
get ``key_id = 'sha256-legacy'`` (the legacy marker): they keep verifying, only as the
first part of the trail, and the first keyed entry's MAC covers the last of them.

The append-only guard is widened: besides UPDATE, DELETE (and TRUNCATE on PostgreSQL), any
INSERT that is not the next entry (``seq = max(seq) + 1``, a MAC not seen before) is
refused. On SQLite ``INSERT OR REPLACE``/``REPLACE`` used to delete the conflicting row
without firing the delete trigger (recursive triggers are off), so a row could be rewritten;
the insert trigger now stops it before the conflict is resolved. Upserts (``ON CONFLICT DO
UPDATE``) are refused the same way.

Adds ``access_grants``: approvals and break-glass grants of clinical access.

Downgrading drops ``key_id``: entries written since this revision then no longer verify
with the older code (their MAC is not the unkeyed hash it expects).

Revision ID: 0005
Revises: 0003 (renumbered at merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LEGACY_KEY_ID = "sha256-legacy"
_REFUSAL = "audit_log is append-only"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _sqlite_guard(*, next_only: bool) -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
        )
    if next_only:
        op.execute(
            "CREATE TRIGGER audit_log_next_only BEFORE INSERT ON audit_log "
            "WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_log) "
            "OR EXISTS (SELECT 1 FROM audit_log WHERE entry_hash = NEW.entry_hash) "
            "BEGIN SELECT RAISE(ABORT, "
            "'audit_log is append-only: only the next entry may be inserted'); END"
        )


def _sqlite_drop_guard() -> None:
    for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_next_only"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    if _sqlite():
        _sqlite_drop_guard()  # the table is rebuilt below; the guard is created again after
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_id", sa.String(length=40), nullable=False, server_default=LEGACY_KEY_ID)
        )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("key_id", server_default=None)
    if _sqlite():
        _sqlite_guard(next_only=True)
    else:
        op.execute(
            "CREATE FUNCTION audit_log_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF NEW.seq IS DISTINCT FROM "
            "COALESCE((SELECT max(seq) FROM audit_log), 0) + 1 THEN RAISE EXCEPTION "
            "'audit_log is append-only: only the next entry may be inserted'; "
            "END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_next_only BEFORE INSERT ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_rewrite()"
        )

    op.create_table(
        "access_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("also_clinician", sa.Boolean(), nullable=False),
        sa.Column("supervisor", sa.String(length=64), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("break_glass_reason", sa.Text(), nullable=True),
        sa.Column("used_by", sa.String(length=100), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_grants")),
    )
    with op.batch_alter_table("access_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_grants_username"), ["username"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("access_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_grants_username"))
    op.drop_table("access_grants")
    if _sqlite():
        _sqlite_drop_guard()
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_next_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_rewrite()")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("key_id")
    if _sqlite():
        _sqlite_guard(next_only=False)
