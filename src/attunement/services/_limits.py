"""How far input may reach: dates in a sane range, FHIR bundles of a bounded size.

One accepted value must not break a record (issue 18): a session dated 9999-12-31 was
stored and then broke the research export for the whole clinic. So every date or moment a
caller gives is checked here before it is stored:

* not in the future beyond ``clock_skew`` (the caller's clock may run a little ahead of the
  server's; default five minutes — an assumption, chosen to absorb unsynchronised clocks of
  clinic devices without letting a wrong year through);
* not before the episode it belongs to (an administration, a session), and never before
  :data:`EARLIEST_DATE`.

The figures are configurable at the edge (``ATTUNE_CLOCK_SKEW_SECONDS``,
``ATTUNE_MAX_FHIR_ENTRIES``) and reach the services in :class:`InputLimits` on the
:class:`ServiceContext`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from attunement.errors import InputError

if TYPE_CHECKING:
    from attunement.settings import Settings

__all__ = ["EARLIEST_DATE", "InputLimits", "check_day", "check_moment"]

#: The earliest date accepted anywhere (assumption: no record kept in Attunement starts
#: earlier; it refuses sentinel values such as 0001-01-01 and two-digit-year typos).
EARLIEST_DATE = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class InputLimits:
    """Limits on input the services enforce (the body size is the HTTP edge's)."""

    clock_skew: dt.timedelta = dt.timedelta(minutes=5)
    max_fhir_entries: int = 500

    @classmethod
    def from_settings(cls, settings: Settings) -> InputLimits:
        """``ATTUNE_CLOCK_SKEW_SECONDS`` and ``ATTUNE_MAX_FHIR_ENTRIES``."""
        return cls(
            clock_skew=dt.timedelta(seconds=settings.clock_skew_seconds),
            max_fhir_entries=settings.max_fhir_entries,
        )


def _check_not_before(
    field: str, shown: str, day: dt.date, not_before: dt.date | None, label: str
) -> None:
    earliest = max(EARLIEST_DATE, not_before) if not_before else EARLIEST_DATE
    if day < earliest:
        where = label if not_before and earliest == not_before else ""
        raise InputError(field, shown, f"a date on or after {where}{earliest.isoformat()}")


def check_day(
    field: str,
    day: dt.date,
    *,
    now: dt.datetime,
    limits: InputLimits,
    not_before: dt.date | None = None,
    not_before_label: str = "",
) -> dt.date:
    """``day`` if it is neither in the future nor before ``not_before``; else InputError."""
    latest = (now + limits.clock_skew).date()
    if day > latest:
        raise InputError(field, day.isoformat(), f"a date on or before {latest.isoformat()}")
    _check_not_before(field, day.isoformat(), day, not_before, not_before_label)
    return day


def check_moment(
    field: str,
    moment: dt.datetime,
    *,
    now: dt.datetime,
    limits: InputLimits,
    not_before: dt.date | None = None,
    not_before_label: str = "",
) -> dt.datetime:
    """``moment`` if it has a time zone, is not in the future beyond the clock skew and is
    not before ``not_before`` (compared on its own calendar date); else InputError."""
    shown = moment.isoformat()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(field, shown, "a time with a zone, e.g. 2026-03-02T09:00Z")
    latest = now + limits.clock_skew
    if moment > latest:
        raise InputError(
            field, shown, f"a time on or before {latest.isoformat(timespec='minutes')}"
        )
    _check_not_before(field, shown, moment.date(), not_before, not_before_label)
    return moment
