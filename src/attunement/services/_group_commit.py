"""The audit entries of reads, committed in groups (issue 13).

A read use case records its entry after its snapshot and before it returns anything
(:func:`attunement.services._audit.use_case`). Alone, each entry is a write transaction of
its own: a claim of a chain, an insert, the head's update and a commit, several times the
cost of the read. Under load the reads of a process therefore share write transactions, as
a database's group commit shares a log flush: a read puts its entry in the queue of its
engine; when no group is being written, it writes the queue (its own entry and any queued
beside it) in one transaction and commits. The group's entries go in together: one claim
of a chain, one insert of all of them and one batch of head moves
(:func:`attunement.services._audit.append_audit_entries`), so a group costs about what one
entry does; reads that queue meanwhile wait for that commit
and then the first of them writes the next group. A quiet app writes groups of one, as
before. Every entry is still chained, keyed and committed before its read returns: none
is "pending", none is lost with the process, and a read whose entry is not committed
returns nothing.

A group that fails is not charged to every read in it: each of its reads then writes its
own entry in a transaction of its own, so only a read whose entry the store refuses gets
the error.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from attunement.services._transaction import transaction

__all__ = ["commit_in_group"]

T = TypeVar("T")

#: Writes the entries of a group of reads (each read's item, in the order they queued)
#: inside the group's open transaction.
Write = Callable[[Session, Sequence[Any]], None]


@dataclass(eq=False)
class _Waiting:
    """One read's entries, and how its turn ended."""

    item: Any
    write: Write
    woken: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # woken to write the next group
    alone: bool = False  # woken because its group failed: write its own transaction
    committed: bool = False


class _Group:
    """The queue of one engine's read entries and whether a group is being written."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._queue: list[_Waiting] = []
        self._writing = False

    def commit(self, sessions: sessionmaker[Session], me: _Waiting) -> None:
        with self._mutex:
            self._queue.append(me)
            lead = not self._writing
            self._writing = True
        if not lead:
            me.woken.wait()
            if me.committed:
                return
            if me.alone:
                _write(sessions, [me])
                return
        self._write_group(sessions, me)

    def _write_group(self, sessions: sessionmaker[Session], me: _Waiting) -> None:
        with self._mutex:
            group, self._queue = self._queue, []
        try:
            _write(sessions, group)
            for waiting in group:
                waiting.committed = True
        except Exception:
            if len(group) == 1:
                raise  # its own entry failed: the read gets the error
        finally:
            with self._mutex:
                following = self._queue[0] if self._queue else None
                if following is None:
                    self._writing = False
                else:
                    following.lead = True
            for waiting in group:
                if waiting is not me:
                    waiting.alone = not waiting.committed
                    waiting.woken.set()
            if following is not None:
                following.woken.set()
        if not me.committed:  # its group of several failed: each writes its own entry
            _write(sessions, [me])


def _write(sessions: sessionmaker[Session], group: list[_Waiting]) -> None:
    """One transaction for the group: each run of items with one write function is
    written by one call (all of them, for the app's one kind of read entry)."""
    with transaction(sessions) as session:
        for write, run in groupby(group, key=lambda waiting: waiting.write):
            write(session, [waiting.item for waiting in run])


_GROUPS: weakref.WeakKeyDictionary[Engine, _Group] = weakref.WeakKeyDictionary()
_GROUPS_MUTEX = threading.Lock()


def commit_in_group(
    sessions: sessionmaker[Session], item: T, write: Callable[[Session, Sequence[T]], None]
) -> None:
    """Commit ``item`` (one read's entries), in a group with other reads' items of the
    same database: the group's transaction passes the items to ``write`` together, so a
    group costs about one append. Return once ``item`` is committed, or raise what
    writing it raised."""
    me = _Waiting(item, write)
    bind = sessions.kw.get("bind")
    if not isinstance(bind, Engine):
        _write(sessions, [me])
        return
    engine = bind
    with _GROUPS_MUTEX:
        group = _GROUPS.get(engine)
        if group is None:
            group = _GROUPS[engine] = _Group()
    group.commit(sessions, me)
