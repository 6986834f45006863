"""The episode file of ``attune status``: JSON or YAML, already loaded into a mapping.

::

    outcome:  {instrument: phq9, sessions: [{session: 1, score: 18},
                                            {session: 2, answers: [2, 1, 3, 1, 2, 1, 1, 0, 0]},
                                            {session: 3, attended: false}, ...]}
    alliance: {instrument: wai_sr, sessions: [{session: 1, score: 4.1}, ...]}   # optional
    profile:  {...}                                   # optional, as for ``attune plan``
    accommodated_preferences: [therapist_gender]      # optional: strong preferences met
    risk_responses:                                   # optional: risk responses recorded
      - {session: 3, assessed_on: 2026-01-20, level: low, actions: [safety_plan], note: ...}

A session gives ``score`` (the scale value) or ``answers`` (scored here with the instrument
definition, so risk items raise their flags), optionally ``held_on``, ``language``,
``attended`` and ``rupture_markers``. Every problem raises InvalidEpisode naming the series,
the session and the field. The outcome and alliance instruments must declare that role in
their definition (``roles:``; ``attunement.instruments.require_role``).

Every risk item endorsed (or left blank) in the file — in the sessions or in the profile's
questionnaires — is reported as an open risk event unless a risk response recorded after
that session answers it (``risk_responses``: the session it was recorded after, when the
risk was assessed, the level of concern, the actions taken, a reason when no action was
taken, a note; vocabulary in ``attunement/risk/responses.yaml``).

What the file leaves unchecked is noted (``notes``: English, as data) with a
:class:`~attunement.monitoring.Worded` twin each (``notes_worded``): the message id of the
sentence a person reads and its values — the series, the session, the item ids — which
``attunement.wording.episode_notes_in`` words in the reader's language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.errors import InputError, InvalidEpisode, UnknownInstrument
from attunement.i18n import N_
from attunement.instruments import (
    INSTRUMENT_IDS,
    ScaleDefinition,
    ScaleScore,
    load_instrument,
    missing_rule,
    require_role,
    score,
)
from attunement.monitoring._alliance import check_rupture_markers
from attunement.monitoring._series import Series, SessionPoint
from attunement.monitoring._worded import Worded
from attunement.profile import Profile, parse_profile
from attunement.risk import RiskResponse, RiskResponseAfterSession

__all__ = ["EpisodeInput", "monitored_scale_id", "parse_episode"]

_TOP = ("outcome", "alliance", "profile", "accommodated_preferences", "risk_responses")
_RESPONSE = ("session", "assessed_on", "level", "actions", "reason", "note")
_SERIES = ("instrument", "scale", "sessions")
_SESSION = ("session", "score", "answers", "held_on", "language", "attended", "rupture_markers")
#: The sentences a person reads for a note: each names its session by the part ``where``
#: (``AT_SESSION``: ``series`` — outcome or alliance — and ``session``), its items by
#: ``items`` (item ids, comma-separated); too many answers missing adds ``missing``,
#: ``total``, ``source`` and the part ``allowed``.
AT_SESSION = N_("%(series)s, session %(session)s")
UNCHECKED_NOTE = N_(
    "%(where)s: a score without answers, so its risk items were not checked (%(items)s)"
)
MISSING_NOTE = N_(
    "%(where)s: not scorable, %(missing)s of %(total)s items missing (%(items)s); "
    "%(allowed)s (%(source)s)"
)
NONE_MISSING = N_("no item may be missing")
AT_MOST_MISSING = N_("at most %(count)s may be missing")


class EpisodeInput(BaseModel):
    """A parsed episode file: what :func:`assess_episode` takes."""

    model_config = FROZEN

    outcome: Series
    alliance: Series | None = None
    profile: Profile | None = None
    rupture_markers: dict[int, tuple[str, ...]] = {}
    accommodated_preferences: tuple[str, ...] = ()
    risk_responses: tuple[RiskResponseAfterSession, ...] = ()
    notes: tuple[str, ...] = ()
    notes_worded: tuple[Worded, ...] = ()


def monitored_scale_id(instrument: str) -> str:
    """The scale monitored by default: the first with change norms, else the first."""

    definition = load_instrument(instrument)
    for scale in definition.scales:
        if scale.norms is not None:
            return scale.id
    return definition.scales[0].id


def _keys(raw: Mapping[str, Any], where: str, allowed: Sequence[str]) -> None:
    for key in raw:
        if key not in allowed:
            raise InvalidEpisode(f"{where}.{key}", raw[key], ", ".join(allowed))


def _date(raw: Any, where: str) -> date | None:
    if raw is None or isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise InvalidEpisode(where, raw, "a date as YYYY-MM-DD")


def _at(where: str, name: str, number: int) -> Worded:
    return Worded(text=where, template=AT_SESSION, values={"series": name, "session": str(number)})


def _unchecked(where: str, name: str, number: int, items: Sequence[str]) -> Worded:
    return Worded(
        text=f"{where}: a score without answers; risk item(s) {', '.join(items)} not checked",
        template=UNCHECKED_NOTE,
        values={"items": ", ".join(items)},
        parts={"where": _at(where, name, number)},
    )


def _too_many_missing(
    where: str, name: str, number: int, scale: ScaleDefinition, result: ScaleScore
) -> Worded:
    """The note of a session whose scale is not scorable: worded when answers are missing
    (the instrument's own rule and source), as the scorer wrote it otherwise."""
    text = f"{where}: not scorable ({result.reason})"
    limit, source = missing_rule(scale)
    missing = result.missing_items
    if scale.key_status == "unverified" or scale.terms or len(missing) <= limit:
        return Worded(text=text)  # not for missing answers: an unverified key, a component
    allowed = (
        Worded(text="no item may be missing", template=NONE_MISSING)
        if limit == 0
        else Worded(
            text=f"at most {limit} may be missing",
            template=AT_MOST_MISSING,
            values={"count": str(limit)},
        )
    )
    values = {
        "missing": str(len(missing)),
        "total": str(len(scale.items)),
        "items": ", ".join(missing),
        "source": source,
    }
    return Worded(
        text=text,
        template=MISSING_NOTE,
        values=values,
        parts={"where": _at(where, name, number), "allowed": allowed},
    )


def _session(
    raw: Any, index: int, name: str, *, instrument: str, scale: str, notes: list[Worded]
) -> tuple[SessionPoint, tuple[str, ...]]:
    if not isinstance(raw, Mapping):
        raise InvalidEpisode(
            f"{name}.sessions[{index}]", raw, "a mapping with session and score or answers"
        )
    number = raw.get("session")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InvalidEpisode(f"{name}.sessions[{index}].session", number, "a session number >= 1")
    where = f"{name}.sessions[session {number}]"
    _keys(raw, where, _SESSION)
    attended = raw.get("attended", True)
    if not isinstance(attended, bool):
        raise InvalidEpisode(f"{where}.attended", attended, "true or false")
    markers = raw.get("rupture_markers", [])
    if isinstance(markers, str) or not isinstance(markers, Sequence):
        raise InvalidEpisode(f"{where}.rupture_markers", markers, "a list of markers")
    held_on = _date(raw.get("held_on"), f"{where}.held_on")
    has_score, has_answers = "score" in raw, "answers" in raw
    if not attended:
        if has_score or has_answers:
            raise InvalidEpisode(
                f"{where}.attended", False, "no score or answers for a missed session"
            )
        return SessionPoint(session=number, held_on=held_on, attended=False), tuple(markers)
    if has_score == has_answers:
        raise InvalidEpisode(where, dict(raw), "exactly one of score or answers")
    definition = load_instrument(instrument)
    if has_score:
        value = raw["score"]
        low, high = definition.scale(scale).range
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and low <= value <= high)
        ):
            raise InvalidEpisode(f"{where}.score", value, f"a number from {low:g} to {high:g}")
        if definition.flags:
            notes.append(_unchecked(where, name, number, [f.item for f in definition.flags]))
        return SessionPoint(session=number, value=float(value), held_on=held_on), tuple(markers)
    answers = raw["answers"]
    if isinstance(answers, str) or not isinstance(answers, Sequence):
        raise InvalidEpisode(f"{where}.answers", answers, "a list of answers (null for missing)")
    language = raw.get("language", "en")
    try:
        result = score(definition, list(answers), language=str(language))
    except InputError as error:
        raise InvalidEpisode(
            f"{where}.answers: {error.field}", error.value, error.allowed, risk=error.risk
        ) from None
    scale_score = result.scales[scale]
    if not scale_score.scorable:
        notes.append(_too_many_missing(where, name, number, definition.scale(scale), scale_score))
    point = SessionPoint(
        session=number, value=scale_score.value, held_on=held_on, flags=result.flags
    )
    return point, tuple(markers)


def _series(
    raw: Any,
    name: Literal["outcome", "alliance"],
    notes: list[Worded],
    markers: dict[int, tuple[str, ...]],
) -> Series:

    if not isinstance(raw, Mapping):
        raise InvalidEpisode(name, raw, "a mapping with instrument and sessions")
    _keys(raw, name, _SERIES)
    instrument = raw.get("instrument")
    if not isinstance(instrument, str):
        raise InvalidEpisode(f"{name}.instrument", instrument, "an instrument id such as phq9")
    try:
        definition = require_role(f"{name}.instrument", instrument, name)
    except UnknownInstrument:
        raise InvalidEpisode(f"{name}.instrument", instrument, INSTRUMENT_IDS) from None
    except InputError as error:  # the instrument does not declare this role
        raise InvalidEpisode(error.field, error.value, error.allowed) from None
    scale = raw.get("scale") or monitored_scale_id(instrument)
    if scale not in {s.id for s in definition.scales}:
        raise InvalidEpisode(f"{name}.scale", scale, [s.id for s in definition.scales])
    sessions = raw.get("sessions")
    if isinstance(sessions, str) or not isinstance(sessions, Sequence) or not sessions:
        raise InvalidEpisode(f"{name}.sessions", sessions, "a non-empty list of sessions")
    points: list[SessionPoint] = []
    for index, entry in enumerate(sessions):
        point, recorded = _session(
            entry, index, name, instrument=instrument, scale=scale, notes=notes
        )
        if recorded:
            markers[point.session] = (*markers.get(point.session, ()), *recorded)
        points.append(point)
    return Series(instrument=instrument, scale=scale, points=tuple(points))


def _risk_responses(raw: Any) -> tuple[RiskResponseAfterSession, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        raise InvalidEpisode("risk_responses", raw, "a list of risk responses")
    found: list[RiskResponseAfterSession] = []
    for index, entry in enumerate(raw):
        where = f"risk_responses[{index}]"
        if not isinstance(entry, Mapping):
            raise InvalidEpisode(
                where, entry, "a mapping with session, assessed_on, level, actions"
            )
        _keys(entry, where, _RESPONSE)
        session = entry.get("session")
        if isinstance(session, bool) or not isinstance(session, int) or session < 1:
            raise InvalidEpisode(f"{where}.session", session, "the session number it followed")
        assessed = _date(entry.get("assessed_on"), f"{where}.assessed_on")
        if assessed is None:
            raise InvalidEpisode(f"{where}.assessed_on", None, "a date as YYYY-MM-DD")
        actions = entry.get("actions")
        if isinstance(actions, str) or not isinstance(actions, Sequence):
            raise InvalidEpisode(f"{where}.actions", actions, "a list of actions")
        for name in ("reason", "note", "level"):
            value = entry.get(name)
            if value is not None and not isinstance(value, str):
                raise InvalidEpisode(f"{where}.{name}", value, "text")
        try:
            response = RiskResponse(
                assessed_on=assessed,
                level=str(entry.get("level")),
                actions=tuple(str(a) for a in actions),
                reason=entry.get("reason"),
                note=entry.get("note"),
            )
        except InputError as error:
            raise InvalidEpisode(f"{where}.{error.field}", error.value, error.allowed) from None
        found.append(RiskResponseAfterSession(session=session, response=response))
    return tuple(found)


def parse_episode(data: Any) -> EpisodeInput:
    """Validate an episode mapping; raises InvalidEpisode (or InvalidProfile for ``profile``)."""
    if not isinstance(data, Mapping):
        raise InvalidEpisode("episode", data, "a mapping with outcome (and alliance, profile)")
    _keys(data, "episode", _TOP)
    if "outcome" not in data:
        raise InvalidEpisode("outcome", None, "an outcome series is required")
    notes: list[Worded] = []
    markers: dict[int, tuple[str, ...]] = {}
    outcome = _series(data["outcome"], "outcome", notes, markers)
    alliance = (
        _series(data["alliance"], "alliance", notes, markers) if data.get("alliance") else None
    )
    profile = parse_profile(data["profile"]) if data.get("profile") else None
    accommodated = data.get("accommodated_preferences") or []
    if isinstance(accommodated, str) or not isinstance(accommodated, Sequence):
        raise InvalidEpisode(
            "accommodated_preferences", accommodated, "a list of preference aspects"
        )

    check_rupture_markers(markers)
    return EpisodeInput(
        outcome=outcome,
        alliance=alliance,
        profile=profile,
        rupture_markers=markers,
        accommodated_preferences=tuple(str(a) for a in accommodated),
        risk_responses=_risk_responses(data.get("risk_responses")),
        notes=tuple(n.text for n in notes),
        notes_worded=tuple(notes),
    )
