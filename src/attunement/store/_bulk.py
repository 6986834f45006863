"""Many rows into one table at once: PostgreSQL's ``COPY``, a multi-row INSERT elsewhere.

A multi-row ``INSERT … VALUES (…), (…)`` of a thousand rows is a statement of tens of
thousands of characters that the driver parses again for every page (psycopg caches only
short statements) and the server plans again: about a quarter of a bulk import's time on
PostgreSQL went there. ``COPY … FROM STDIN`` streams the rows instead (the PostgreSQL
manual's first advice for populating a database, "Use COPY"). Ids, when the caller needs
them in input order, are drawn from the column's sequence first in one statement, so the
rows carry them; the values pass through each column's SQLAlchemy bind processing (the
timezone-aware datetime type, JSON) exactly as an INSERT would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert, text

__all__ = ["insert_rows"]


def insert_rows(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    return_ids: bool = False,
) -> list[int]:
    """Insert ``rows`` (column name → value, the same keys in every row) into ``table``.

    Returns the new rows' ``id`` values in input order when ``return_ids``, else ``[]``.
    Runs in the connection's transaction; row triggers and constraints apply as for INSERT.
    """
    if not rows:
        return []
    if connection.dialect.name != "postgresql":
        if not return_ids:
            connection.execute(insert(table), list(rows))
            return []
        result = connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), list(rows)
        )
        return [int(row_id) for row_id in result.scalars()]
    ids: list[int] = []
    columns = list(rows[0])
    if return_ids:
        ids = sorted(
            int(row_id)
            for row_id in connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"table": table.name, "n": len(rows)},
            ).scalars()
        )
        columns = ["id", *columns]
    _copy(connection, table, columns, rows, ids)
    return ids


def _copy(
    connection: Connection,
    table: Table,
    columns: list[str],
    rows: Sequence[Mapping[str, Any]],
    ids: list[int],
) -> None:
    dialect = connection.dialect
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    names = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    target = dialect.identifier_preparer.format_table(table)
    dbapi: Any = connection.connection.dbapi_connection  # psycopg's, whose cursor copies
    with dbapi.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for index, row in enumerate(rows):
            values = [ids[index]] if ids else []
            values.extend(row[name] for name in columns[len(values) :])
            copy.write_row(
                [
                    value if process is None else process(value)
                    for process, value in zip(processors, values, strict=True)
                ]
            )
