"""caseload indexes in the worklist's own order

The three ``ix_episode_statuses_worklist*`` indexes held ``deterioration`` ascending, while
the caseload orders by it descending (largest deterioration first): neither database could
read a page from the index in order, so every caseload request read and sorted all the
caller's rows (on PostgreSQL a top-N sort of the whole caseload; 10,000 rows for a page of
50). Recreated with ``deterioration DESC``, a page is read in order and stops after its
rows (issue 13). No data changes.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_episode_statuses_worklist": ["listed"],
    "ix_episode_statuses_worklist_alert": ["listed", "alert"],
    "ix_episode_statuses_worklist_clinician": ["clinician_id", "listed"],
}


def _recreate(descending: bool) -> None:
    order = sa.text("deterioration DESC") if descending else "deterioration"
    for name, leading in _INDEXES.items():
        op.drop_index(name, table_name="episode_statuses")
        op.create_index(name, "episode_statuses", [*leading, "rank", order, "last_seen_on", "id"])


def upgrade() -> None:
    _recreate(descending=True)


def downgrade() -> None:
    _recreate(descending=False)
