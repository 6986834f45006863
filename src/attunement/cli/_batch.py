"""Retrospective statuses in batch: JSON Lines in, JSON Lines out (``attune status --batch``).

Each input line is one episode object as in an episode file (``outcome``, optional
``alliance``, ``profile``, ``accommodated_preferences``) plus its ``id`` (a string or a
whole number). Each output line is ``{"id": …, "status": {…}}`` — or, with
``each_session``, ``{"id": …, "statuses": [{…}, …]}``, the status after each attended
session — where a status is the JSON of ``Status.model_dump(mode="json")``, the object
``attune status --json`` prints (compact, one line). Blank lines are skipped.

Every line is parsed and assessed before anything is printed: a bad line (not UTF-8, not
JSON, not an episode) stops the batch with a :class:`BatchError` naming its line number
(the first bad line of the file), and nothing half-written reaches the output.

``jobs`` > 1 assesses chunks of lines in that many worker processes (forked, so they share
the loaded definitions and the growth-model lookup); the output is the same, in the same
order. Where processes cannot be forked (not Linux/BSD), the batch runs in this process.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attunement.errors import AttunementError, InvalidFile

if TYPE_CHECKING:
    from attunement.monitoring import GrowthModel, Status

__all__ = ["BatchError", "batch_statuses", "read_lines"]


class BatchError(AttunementError):
    """A line of the batch file is not a valid episode (names the line number)."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


def read_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw bytes) of each line, read as they come (memory stays bounded by the
    longest line); InvalidFile naming the file when it cannot be opened."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InvalidFile(str(path), "no such file") from None
    except OSError as error:
        raise InvalidFile(str(path), f"cannot be read ({error.strerror})") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            yield number, line.rstrip(b"\r\n")


def _episode(number: int, raw: bytes) -> tuple[str | int, Any] | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BatchError(number, "not UTF-8 text (a binary file?)") from None
    if not text.strip():
        return None
    if "\x00" in text:
        raise BatchError(number, "contains NUL bytes (a binary file?)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BatchError(number, f"not valid JSON ({error.msg}, column {error.colno})") from None
    if not isinstance(data, dict):
        raise BatchError(number, "not a JSON object (an episode with its id)")
    ident = data.pop("id", None)
    if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
        raise BatchError(number, f"id: {ident!r} is not allowed; allowed: a string or integer")
    return ident, data


_CHUNK = 250  # lines a worker process takes at a time


def batch_statuses(
    lines: Iterable[tuple[int, bytes]],
    *,
    each_session: bool = False,
    model: Callable[[str], GrowthModel | None] = lambda instrument: None,
    caseness: str = "published",
    jobs: int = 1,
) -> list[str]:
    """The output lines (each ending in a newline) for the numbered input lines.

    ``model(instrument)`` gives the growth model to use for an instrument (None: rational).
    ``jobs``: worker processes (1: this process). Raises BatchError for the first bad line.
    """
    settings = _Settings(each_session=each_session, model=model, caseness=caseness)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return settings.statuses(lines)
    numbered = list(lines)
    chunks = [numbered[i : i + _CHUNK] for i in range(0, len(numbered), _CHUNK)]
    context = multiprocessing.get_context("fork")  # the workers inherit ``settings`` as is
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(settings,)
    ) as pool:
        results = list(pool.map(_worker_chunk, chunks))
    out: list[str] = []
    for result in results:
        if isinstance(result, tuple):  # the chunk's first bad line; earlier chunks were good
            raise BatchError(*result)
        out.extend(result)
    return out


@dataclass(frozen=True)
class _Settings:
    each_session: bool
    model: Callable[[str], GrowthModel | None]
    caseness: str

    def statuses(self, lines: Iterable[tuple[int, bytes]]) -> list[str]:
        """The output lines for ``lines``, in this process."""
        # start-up: loaded when the command runs, so `attune --help` stays light
        from attunement.monitoring import assess_each_session, assess_episode, parse_episode

        out: list[str] = []
        for number, raw in lines:
            found = _episode(number, raw)
            if found is None:
                continue
            ident, data = found
            try:
                parsed = parse_episode(data)
                arguments: dict[str, Any] = {
                    "alliance": parsed.alliance,
                    "profile": parsed.profile,
                    "growth_model": self.model(parsed.outcome.instrument),
                    "rupture_markers": parsed.rupture_markers,
                    "accommodated_preferences": parsed.accommodated_preferences,
                    "risk_responses": parsed.risk_responses,
                    "caseness": self.caseness,
                }
                if self.each_session:
                    statuses = assess_each_session(parsed.outcome, **arguments)
                    body = ",".join(_dump(s, parsed.notes) for s in statuses)
                    record = f'{{"id":{json.dumps(ident)},"statuses":[{body}]}}\n'
                else:
                    status = assess_episode(parsed.outcome, **arguments)
                    record = (
                        f'{{"id":{json.dumps(ident)},"status":{_dump(status, parsed.notes)}}}\n'
                    )
            except AttunementError as error:
                raise BatchError(number, error.message) from None
            out.append(record)
        return out


_worker: dict[str, _Settings] = {}  # a worker process's settings, set as it starts


def _start_worker(settings: _Settings) -> None:
    _worker["settings"] = settings


def _worker_chunk(chunk: Sequence[tuple[int, bytes]]) -> list[str] | tuple[int, str]:
    """A worker's part: its output lines, or (line, problem) of its first bad line."""
    try:
        return _worker["settings"].statuses(chunk)
    except BatchError as error:
        return error.line, error.problem


def _dump(status: Status, notes: tuple[str, ...]) -> str:
    """The status as compact JSON (the same object ``model_dump(mode="json")`` gives)."""
    if notes:
        status = status.model_copy(update={"notes": (*notes, *status.notes)})
    return status.model_dump_json()
