"""The patient name search ("part of the name") on an index, on both databases (issue 13).

The search key is :func:`name_search_key` of the query, compared with ``patients.search_name``
(the same key of each display name, stored with it). "Contains" cannot use a B-tree:
``LIKE '%abc%'`` reads every patient. So each database gets a trigram index:

* **PostgreSQL**: a GIN index with ``pg_trgm``'s ``gin_trgm_ops`` on ``search_name``
  (migration 0021), which serves ``LIKE '%abc%'`` itself.
* **SQLite**: an FTS5 table with the ``trigram`` tokenizer (SQLite 3.34 or newer),
  ``patients_search``, holding ``search_name`` by patient id (an external-content table:
  the text lives once, in ``patients``), kept in step by triggers on ``patients`` so every
  writer (use cases, the bulk import, migrations that rename) keeps it right. A query is
  a phrase of the key's trigrams, which matches exactly the names that contain the key.

A key shorter than three characters has no trigram: it is compared with ``LIKE`` on every
patient's search name (both databases), as before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    SQLColumnExpression,
    Table,
    Text,
    select,
)
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from attunement.store._tables import Patient

__all__ = [
    "NAME_SEARCH_TABLE",
    "SQLITE_NAME_SEARCH_DDL",
    "is_name_search_table",
    "name_search_filter",
    "not_an_index_key",
]

#: The SQLite FTS5 table of the search names (FTS5 adds shadow tables named after it).
NAME_SEARCH_TABLE = "patients_search"
#: Trigram indexes match keys of at least this many characters.
_TRIGRAM = 3

#: The FTS5 table as a query sees it (kept out of ``Base.metadata``: the migration creates
#: it, on SQLite only, as a virtual table no ``CREATE TABLE`` of the ORM could make).
_SEARCH = Table(
    NAME_SEARCH_TABLE,
    MetaData(),
    Column("rowid", Integer, primary_key=True),
    Column("search_name", Text),
)

# constants only, no value from outside: not an injection vector
_ADD = f"INSERT INTO {NAME_SEARCH_TABLE}(rowid, search_name) VALUES (new.id, new.search_name);"  # noqa: S608
_REMOVE = (
    f"INSERT INTO {NAME_SEARCH_TABLE}({NAME_SEARCH_TABLE}, rowid, search_name) "  # noqa: S608
    "VALUES ('delete', old.id, old.search_name);"
)
#: The FTS5 table, its triggers and its first filling, in order (migration 0029). A SQLite
#: batch migration that recreates ``patients`` drops these triggers and must run them again.
SQLITE_NAME_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE {NAME_SEARCH_TABLE} USING fts5(search_name, "
    "content='patients', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {NAME_SEARCH_TABLE}_insert AFTER INSERT ON patients BEGIN {_ADD} END",
    f"CREATE TRIGGER {NAME_SEARCH_TABLE}_delete AFTER DELETE ON patients BEGIN {_REMOVE} END",
    f"CREATE TRIGGER {NAME_SEARCH_TABLE}_update AFTER UPDATE OF search_name ON patients "
    f"BEGIN {_REMOVE} {_ADD} END",
    f"INSERT INTO {NAME_SEARCH_TABLE}({NAME_SEARCH_TABLE}) VALUES ('rebuild')",  # noqa: S608
)


def is_name_search_table(name: str) -> bool:
    """The FTS5 table or one of its shadow tables (which the ORM's metadata does not hold)."""
    return name == NAME_SEARCH_TABLE or name.startswith(f"{NAME_SEARCH_TABLE}_")


def name_search_filter(
    key: str, dialect: str, patient_id: SQLColumnExpression[int]
) -> ColumnElement[bool]:
    """``patient_id`` is a patient whose search name contains ``key`` (already
    :func:`name_search_key`'d): the matching ids come from the trigram index of ``dialect``
    ("sqlite" or "postgresql") when the key is long enough, so a query can start from the
    few patients found instead of reading every row it would otherwise filter."""
    if dialect == "sqlite" and len(key) >= _TRIGRAM:
        phrase = '"' + key.replace('"', '""') + '"'  # an FTS5 string: every character literal
        return patient_id.in_(select(_SEARCH.c.rowid).where(_SEARCH.c.search_name.match(phrase)))
    return patient_id.in_(
        select(Patient.id).where(Patient.search_name.contains(key, autoescape=True))
    )


def not_an_index_key(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """``column`` compared without its indexes, on SQLite: its unary ``+`` (the documented way
    to steer SQLite's planner, sqlite.org/optoverview.html, "Disqualifying WHERE clause
    terms using unary-+"); the same value. With no statistics, SQLite prefers walking a
    clinician's whole worklist index in order over the few rows a name search found."""
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)
