"""partitioned audit chains

Issue 13 ("several processes, one truth"). The audit trail becomes ``AUDIT_CHAINS`` (16)
hash chains that transactions append to in parallel, instead of one chain serialised by a
global advisory lock. ``audit_log`` gets ``chain`` and ``chain_seq`` (unique together); the
entries already stored become the start of chain 0 with ``chain_seq = seq`` and keep their
MACs. ``audit_chain_heads`` holds one row per chain (its newest entry), seeded here: chain 0
at the newest stored entry, the others empty.

Guards, on both databases: an INSERT into ``audit_log`` must be the next entry of its chain
(``chain_seq = max + 1`` in the chain, ``chain`` in range) besides the earlier rules (no
UPDATE, DELETE, TRUNCATE; on SQLite also ``seq = max(seq) + 1`` and a MAC not seen
before); a head row cannot be inserted or deleted, and may only move to the next entry of
its chain, which must already be stored with that MAC. On PostgreSQL ``seq`` now comes from
the sequence ``audit_log_seq``.

Downgrading puts the single-chain guard back; entries written since this revision then no
longer verify with the older code (their MAC covers the chain position it does not know).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

CHAINS = 16  # AUDIT_CHAINS in attunement.store._tables
GENESIS = "0" * 64
_NEXT_ONLY = "audit_log is append-only: only the next entry of a chain may be inserted"
_NEXT_ONLY_BEFORE = "audit_log is append-only: only the next entry may be inserted"
_HEADS = "audit_chain_heads is append-only: a head only moves to the next entry of its chain"
_HEAD_CHECK = (
    "NEW.chain IS NOT OLD.chain OR NEW.chain_seq IS NOT OLD.chain_seq + 1 "
    "OR NOT EXISTS (SELECT 1 FROM audit_log WHERE chain = NEW.chain "
    "AND chain_seq = NEW.chain_seq AND seq = NEW.seq AND entry_hash = NEW.mac)"
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _sqlite_log_guard(*, chained: bool) -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
    chain_rule = (
        "OR NEW.chain IS NOT 0 OR NEW.chain_seq IS NOT (SELECT coalesce(max(chain_seq), 0) + 1 "
        "FROM audit_log WHERE chain = NEW.chain) "
        if chained
        else ""
    )
    message = _NEXT_ONLY if chained else _NEXT_ONLY_BEFORE
    op.execute(
        "CREATE TRIGGER audit_log_next_only BEFORE INSERT ON audit_log "  # noqa: S608 (constants only)
        "WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_log) "
        f"{chain_rule}"
        "OR EXISTS (SELECT 1 FROM audit_log WHERE entry_hash = NEW.entry_hash) "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def _sqlite_drop_log_guard() -> None:
    for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_next_only"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _create_heads() -> None:
    op.create_table(
        "audit_chain_heads",
        sa.Column("chain", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_chain_heads")),
    )
    newest = (
        op.get_bind()
        .execute(sa.text("SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
        .first()
    )
    rows = [{"chain": chain, "chain_seq": 0, "seq": 0, "mac": GENESIS} for chain in range(CHAINS)]
    if newest is not None:
        rows[0] = {"chain": 0, "chain_seq": newest[0], "seq": newest[0], "mac": newest[1]}
    op.get_bind().execute(
        sa.text(
            "INSERT INTO audit_chain_heads (chain, chain_seq, seq, mac) "
            "VALUES (:chain, :chain_seq, :seq, :mac)"
        ),
        rows,
    )
    if _sqlite():
        for verb in ("INSERT", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_chain_heads_no_{verb.lower()} BEFORE {verb} "
                f"ON audit_chain_heads BEGIN SELECT RAISE(ABORT, '{_HEADS}'); END"
            )
        op.execute(
            "CREATE TRIGGER audit_chain_heads_advance BEFORE UPDATE ON audit_chain_heads "
            f"WHEN {_HEAD_CHECK} BEGIN SELECT RAISE(ABORT, '{_HEADS}'); END"
        )
        return
    op.execute(
        "CREATE FUNCTION audit_chain_heads_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{_HEADS}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_chain_heads_fixed BEFORE INSERT OR DELETE OR TRUNCATE "
        "ON audit_chain_heads FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_heads_refuse()"
    )
    op.execute(
        "CREATE FUNCTION audit_chain_heads_advance() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF {_HEAD_CHECK.replace(' IS NOT ', ' IS DISTINCT FROM ')} THEN "
        f"RAISE EXCEPTION '{_HEADS}'; END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_chain_heads_advance BEFORE UPDATE ON audit_chain_heads "
        "FOR EACH ROW EXECUTE FUNCTION audit_chain_heads_advance()"
    )


def _postgres_next_only(*, chained: bool) -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_log_next_only ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_rewrite()")
    if chained:
        rule = (
            f"NEW.chain IS NULL OR NEW.chain < 0 OR NEW.chain >= {CHAINS} OR "  # noqa: S608
            "NEW.chain_seq IS DISTINCT FROM COALESCE((SELECT max(chain_seq) FROM audit_log "
            "WHERE chain = NEW.chain), 0) + 1"
        )
        message = _NEXT_ONLY
    else:
        rule = "NEW.seq IS DISTINCT FROM COALESCE((SELECT max(seq) FROM audit_log), 0) + 1"
        message = _NEXT_ONLY_BEFORE
    op.execute(
        "CREATE FUNCTION audit_log_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF {rule} THEN RAISE EXCEPTION '{message}'; END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_next_only BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_rewrite()"
    )


def upgrade() -> None:
    if _sqlite():
        _sqlite_drop_log_guard()  # the table is rebuilt below; the guard is created again after
    else:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("chain_seq", sa.Integer(), nullable=True))
    op.execute("UPDATE audit_log SET chain_seq = seq")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("chain_seq", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_audit_log_chain_chain_seq"), ["chain", "chain_seq"]
        )
    if _sqlite():
        _sqlite_log_guard(chained=True)
    else:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        _postgres_next_only(chained=True)
        op.execute("CREATE SEQUENCE audit_log_seq")
        op.execute(
            "SELECT setval('audit_log_seq', COALESCE(max(seq), 0) + 1, false) FROM audit_log"
        )
    _create_heads()


def downgrade() -> None:
    op.drop_table("audit_chain_heads")  # its triggers go with it
    if _sqlite():
        _sqlite_drop_log_guard()
    else:
        op.execute("DROP FUNCTION IF EXISTS audit_chain_heads_refuse()")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_heads_advance()")
        op.execute("DROP SEQUENCE IF EXISTS audit_log_seq")
        _postgres_next_only(chained=False)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_log_chain_chain_seq"), type_="unique")
        batch_op.drop_column("chain_seq")
        batch_op.drop_column("chain")
    if _sqlite():
        _sqlite_log_guard(chained=False)
