"""The Status of an episode at its latest session: ``assess_episode`` and ``alert_rank``.

One pure function gathers everything a clinician needs after a session: change since intake
with the Jacobson & Truax reliable change index and category (with the norms used and their
source), response and remission where the instrument defines them, the expected value and
band (rational or empirical ETR, saying which), the outcome alert colour and the rule that
gave it, the alliance state with repair options, risk flags (never filtered), dropout-risk
indicators and — on yellow or red — the clinical-support prompts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from attunement.monitoring._alerts import Alert, decide_alert
from attunement.monitoring._alliance import AllianceStatus, assess_alliance
from attunement.monitoring._dropout import DropoutRisk, dropout_risks
from attunement.monitoring._growth import GrowthModel
from attunement.monitoring._series import Series
from attunement.monitoring._status_maths import (
    ExpectedBand,
    NormsUsed,
    change_figures,
    expected_band,
    norms_used,
)
from attunement.monitoring._support import SupportPrompt, support_prompts
from attunement.profile import Profile
from attunement.risk import (
    RiskEndorsement,
    RiskEvent,
    SessionResponse,
    endorsements_from_flags,
    open_first,
    replay_risk,
)

__all__ = ["RiskFlag", "Status", "alert_rank", "assess_each_session", "assess_episode"]

Category = Literal["recovered", "improved", "unchanged", "deteriorated"]
_FROZEN = ConfigDict(frozen=True, extra="forbid")
_RANK: dict[str | None, int] = {"red": 1, "yellow": 2, "green": 3, "white": 4, None: 5}


class RiskFlag(BaseModel):
    """A flag raised at the assessed session (PHQ-9 item 9 > 0 is ``critical``)."""

    model_config = _FROZEN

    instrument: str
    session: int
    id: str
    severity: Literal["critical", "warning", "info"]
    item: str
    message: str


class Status(BaseModel):
    """An episode at one session (``model_dump(mode="json")`` is the API/CLI JSON).

    ``alert`` is None only when no outcome value could be scored at all (then nothing can be
    said about progress, but ``flags`` still carry every risk item endorsed).
    """

    model_config = _FROZEN

    session: int
    instrument: str
    scale: str
    intake_session: int | None
    intake: float | None
    latest_session: int | None
    latest: float | None
    change: float | None
    rci: float | None
    reliable: bool | None
    reliable_change: float | None
    category: Category | None
    response: bool | None
    remission: bool | None
    alert: Alert | None
    alert_rule: str | None
    alert_reason: str | None
    expected: ExpectedBand | None
    trajectory: tuple[ExpectedBand, ...]
    alliance: AllianceStatus | None
    flags: tuple[RiskFlag, ...]
    support_prompts: tuple[SupportPrompt, ...]
    dropout_risks: tuple[DropoutRisk, ...]
    norms: NormsUsed
    notes: tuple[str, ...] = ()
    risk_events: tuple[RiskEvent, ...] = ()

    @property
    def open_risk(self) -> bool:
        """True while any risk event is open (pinned first on every list)."""
        return any(event.open for event in self.risk_events)


def _flags(session: int, series: Sequence[Series | None]) -> tuple[RiskFlag, ...]:
    found: list[RiskFlag] = []
    for one in series:
        point = one.at(session) if one is not None else None
        if point is None:
            continue
        found.extend(
            RiskFlag(
                instrument=one.instrument,  # type: ignore[union-attr]
                session=session,
                id=f.id,
                severity=f.severity,
                item=f.item,
                message=f.message,
            )
            for f in point.flags
        )
    order = {"critical": 0, "warning": 1, "info": 2}
    return tuple(sorted(found, key=lambda f: order[f.severity]))


def _endorsements(session: int, series: Sequence[Series | None]) -> list[RiskEndorsement]:
    """Every risk flag of the series up to ``session``, as endorsements in session order."""
    found: list[RiskEndorsement] = []
    for one in series:
        if one is None:
            continue
        for point in one.points:
            if point.session <= session and point.flags:
                found.extend(
                    endorsements_from_flags(
                        point.flags,
                        instrument=one.instrument,
                        route="episode_file",
                        session=point.session,
                        on=point.held_on,
                    )
                )
    return sorted(found, key=lambda e: e.session or 0)


def _intake_endorsements(profile: Profile) -> list[RiskEndorsement]:
    """Risk items endorsed in questionnaires given for the profile (before session 1)."""
    found: list[RiskEndorsement] = []
    for flag in profile.flags:
        found.extend(
            endorsements_from_flags(
                (flag,), instrument=flag.instrument, route="intake", session=None
            )
        )
    return found


def _current_session(outcome: Series) -> int:
    attended = [p.session for p in outcome.points if p.attended]
    return attended[-1] if attended else outcome.points[-1].session


def assess_episode(
    outcome: Series,
    *,
    alliance: Series | None = None,
    profile: Profile | None = None,
    growth_model: GrowthModel | None = None,
    rupture_markers: Mapping[int, Sequence[str]] | None = None,
    accommodated_preferences: Collection[str] = (),
    risk_events: Sequence[RiskEvent] | None = None,
    risk_responses: Sequence[SessionResponse] = (),
) -> Status:
    """The Status at the outcome series' latest attended session (pure).

    Parameters
    ----------
    outcome : Series
        The outcome measure (PHQ-9 total …), session 1 = intake.
    alliance : Series, optional
        An alliance measure (WAI-SR total …).
    profile : Profile, optional
        For dropout indicators and support prompts.
    growth_model : GrowthModel, optional
        A fitted empirical ETR model; without one (or for another instrument) the rational
        method is used and the status says so.
    rupture_markers : mapping, optional
        Session number → markers the clinician recorded (withdrawal, confrontation, …).
    accommodated_preferences : collection of str
        Preference aspects that are accommodated (a strong preference not listed is a
        dropout-risk indicator).
    risk_events : sequence of RiskEvent, optional
        The patient's stored risk events (the services pass them). Without them, the events
        are rebuilt from every risk flag of the outcome and alliance series up to the
        session, answered by ``risk_responses`` (episode files): an endorsement stays open
        until a response is recorded, whatever later sessions say.
    """
    session = _current_session(outcome)
    if risk_events is None:
        found = _endorsements(session, (outcome, alliance))
        if profile is not None:
            found[:0] = _intake_endorsements(profile)
        risk_events = replay_risk(found, risk_responses)
    events = open_first(risk_events)
    notes: list[str] = []
    scored = [p for p in outcome.scored if p.session <= session]
    current = outcome.at(session)
    if current is not None and current.value is None and scored:
        notes.append(
            f"session {session} could not be scored; figures use session {scored[-1].session}"
        )
    norms = norms_used(outcome.instrument, outcome.scale)
    alliance_status = assess_alliance(alliance, session=session, rupture_markers=rupture_markers)
    risks = dropout_risks(
        outcome,
        alliance=alliance_status,
        profile=profile,
        accommodated_preferences=accommodated_preferences,
    )
    flags = _flags(session, (outcome, alliance))
    if not scored:
        notes.append("no scorable outcome value yet: no change, expectation or alert")
        return _empty_status(
            outcome,
            session,
            alliance=alliance_status,
            flags=flags,
            risks=risks,
            norms=norms,
            notes=notes,
        ).model_copy(update={"risk_events": events})
    first, last = scored[0], scored[-1]
    if first.session != outcome.points[0].session:
        notes.append(f"the intake could not be scored; session {first.session} is the baseline")
    intake, latest = float(first.value or 0.0), float(last.value or 0.0)
    figures = change_figures(outcome.instrument, outcome.scale, intake, latest)
    notes.extend(figures.notes)
    bands = [  # sessions are counted from the baseline for the ETR, labelled as held
        expected_band(
            outcome.instrument, outcome.scale, intake, s - first.session + 1, growth_model
        )
        for s in range(first.session, last.session + 1)
    ]
    bands = [
        b.model_copy(update={"session": s}) if b is not None else None
        for s, b in zip(range(first.session, last.session + 1), bands, strict=True)
    ]
    trajectory = tuple(b for b in bands if b is not None)
    expected = bands[-1]
    decision = None
    if expected is None:
        notes.append("no reliable-change norms: no expected band and no alert colour")
    else:
        decision = decide_alert(
            intake=intake,
            latest=latest,
            at_intake=last.session == first.session,
            direction=norms.direction,
            cutoff=norms.cutoff,
            reliable_change=norms.reliable_change,
            band_worse_edge=expected.high if norms.direction == "higher_is_worse" else expected.low,
            outer_limit=expected.outer_limit,
        )
    alert = decision.alert if decision else None
    prompts = support_prompts(
        alert or "none", alliance=alliance_status, profile=profile, dropout=risks
    )
    return Status(
        session=session,
        instrument=outcome.instrument,
        scale=outcome.scale,
        intake_session=first.session,
        intake=intake,
        latest_session=last.session,
        latest=latest,
        change=figures.change,
        rci=figures.rci,
        reliable=figures.reliable,
        reliable_change=norms.reliable_change,
        category=figures.category,
        response=figures.response,
        remission=figures.remission,
        alert=alert,
        alert_rule=decision.rule if decision else None,
        alert_reason=decision.reason if decision else None,
        expected=expected,
        trajectory=trajectory,
        alliance=alliance_status,
        flags=flags,
        support_prompts=prompts,
        dropout_risks=risks,
        norms=norms,
        notes=tuple(notes),
        risk_events=events,
    )


def _empty_status(
    outcome: Series,
    session: int,
    *,
    alliance: AllianceStatus | None,
    flags: tuple[RiskFlag, ...],
    risks: tuple[DropoutRisk, ...],
    norms: NormsUsed,
    notes: list[str],
) -> Status:
    return Status(
        session=session,
        instrument=outcome.instrument,
        scale=outcome.scale,
        intake_session=None,
        intake=None,
        latest_session=None,
        latest=None,
        change=None,
        rci=None,
        reliable=None,
        reliable_change=norms.reliable_change,
        category=None,
        response=None,
        remission=None,
        alert=None,
        alert_rule=None,
        alert_reason=None,
        expected=None,
        trajectory=(),
        alliance=alliance,
        flags=flags,
        support_prompts=(),
        dropout_risks=risks,
        norms=norms,
        notes=tuple(notes),
    )


def assess_each_session(
    outcome: Series,
    *,
    alliance: Series | None = None,
    profile: Profile | None = None,
    growth_model: GrowthModel | None = None,
    rupture_markers: Mapping[int, Sequence[str]] | None = None,
    accommodated_preferences: Collection[str] = (),
    risk_responses: Sequence[SessionResponse] = (),
) -> tuple[Status, ...]:
    """The Status as it was after each attended session (for history views and evaluation).

    Risk events are rebuilt from the series at each session (responses recorded after a
    later session do not answer an earlier status).
    """
    statuses: list[Status] = []
    for point in outcome.points:
        if not point.attended:
            continue
        upto = outcome.upto(point.session)
        if upto is None:  # cannot happen: the point itself is kept
            continue
        statuses.append(
            assess_episode(
                upto,
                alliance=alliance.upto(point.session) if alliance is not None else None,
                profile=profile,
                growth_model=growth_model,
                rupture_markers=rupture_markers,
                accommodated_preferences=accommodated_preferences,
                risk_responses=risk_responses,
            )
        )
    return tuple(statuses)


def alert_rank(status: Status | None) -> int:
    """Caseload order: 0 an open risk event, then 1 red, 2 yellow, 3 green, 4 white, 5 none."""
    if status is None:
        return _RANK[None]
    if status.open_risk:
        return 0
    return _RANK[status.alert]
