"""The Status of an episode at its latest session: ``assess_episode`` and ``alert_rank``.

One pure function gathers everything a clinician needs after a session: change since intake
with the Jacobson & Truax reliable change index and category (with the norms used and their
source — published, clinic-derived or the scale's range), response and remission where the
instrument defines them, the expected value and band for this intake after this many
attended sessions (rational or empirical ETR, saying which), the outcome alert level and the
rule that gave it (never null: ``not_assessable`` says why nothing can be judged), the
alliance state with repair options, risk flags (never filtered), dropout-risk indicators
and — on yellow or red — the clinical-support prompts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from functools import cache
from typing import Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.monitoring._alerts import not_assessable
from attunement.monitoring._alliance import AllianceStatus, assess_alliance
from attunement.monitoring._dropout import DropoutRisk, dropout_risks
from attunement.monitoring._etr import MINIMUM_EPISODES
from attunement.monitoring._growth_model import GrowthModel
from attunement.monitoring._levels import Alert, alert_urgency
from attunement.monitoring._norms import PUBLISHED, ClinicNorms, NormsUsed, resolve_norms
from attunement.monitoring._notes import note
from attunement.monitoring._series import Series
from attunement.monitoring._status_maths import ExpectedBand, band_maker, change_figures
from attunement.monitoring._status_rules import attended_doses, decide, red_rule, trend
from attunement.monitoring._support import SupportPrompt, support_prompts
from attunement.monitoring._worded import Worded
from attunement.profile import Profile
from attunement.risk import (
    RiskEndorsement,
    RiskEvent,
    RiskResponseAfterSession,
    endorsements_from_flags,
    open_first,
    replay_risk,
)

__all__ = [
    "RiskFlag",
    "Status",
    "alert_rank",
    "assess_each_session",
    "assess_episode",
    "red_limit",
]

Category = Literal["recovered", "improved", "unchanged", "deteriorated"]


class RiskFlag(BaseModel):
    """A flag raised at the assessed session (PHQ-9 item 9 > 0 is ``critical``)."""

    model_config = FROZEN

    instrument: str
    session: int
    id: str
    severity: Literal["critical", "warning", "info"]
    item: str
    message: str


class Status(BaseModel):
    """An episode at one session (``model_dump(mode="json")`` is the API/CLI JSON).

    ``alert`` is never null: when nothing can be judged (no scorable outcome value, or no
    change norms at all) it is ``not_assessable`` and ``alert_rule``/``alert_reason`` say
    why; ``flags`` still carry every risk item endorsed. ``rci`` is the reliable change
    index of the rule that decided ``reliable`` (``reliable_rule``): with a published
    threshold there is no index, so ``rci`` is null and a note gives the Jacobson–Truax RC.
    """

    model_config = FROZEN

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
    alert: Alert
    alert_rule: str
    alert_reason: str
    expected: ExpectedBand | None
    trajectory: tuple[ExpectedBand, ...]
    alliance: AllianceStatus | None
    flags: tuple[RiskFlag, ...]
    support_prompts: tuple[SupportPrompt, ...]
    dropout_risks: tuple[DropoutRisk, ...]
    norms: NormsUsed
    notes: tuple[str, ...] = ()
    reliable_rule: Literal["published_rci", "jacobson_truax"] | None = None
    dose: int | None = None
    risk_events: tuple[RiskEvent, ...] = ()
    #: ``alert_reason``'s message id and values (none: stored before they were kept)
    alert_reason_worded: Worded | None = None
    #: ``notes`` with their message ids and values (none: stored before they were kept)
    notes_worded: tuple[Worded, ...] = ()

    @property
    def open_risk(self) -> bool:
        """True while any risk event is open (pinned first on every list)."""
        return any(event.open for event in self.risk_events)


def _flags(session: int, series: Sequence[Series | None]) -> tuple[RiskFlag, ...]:
    found: list[RiskFlag] = []
    for one in series:
        point = one.at(session) if one is not None else None
        if point is None or one is None:
            continue
        found.extend(
            RiskFlag(
                instrument=one.instrument,
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
        found.extend(endorsements_from_flags((flag,), instrument=flag.instrument, route="intake"))
    return found


def _risk_events(
    session: int,
    series: Sequence[Series | None],
    profile: Profile | None,
    stored: Sequence[RiskEvent] | None,
    responses: Sequence[RiskResponseAfterSession],
) -> tuple[RiskEvent, ...]:
    if stored is not None:
        return open_first(stored)
    found = _endorsements(session, series)
    if profile is not None:
        found[:0] = _intake_endorsements(profile)
    return open_first(replay_risk(found, responses))


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
    clinic_norms: ClinicNorms | None = None,
    caseness: str = PUBLISHED,
    minimum_episodes: int = MINIMUM_EPISODES,
    risk_events: Sequence[RiskEvent] | None = None,
    alliance_norms: ClinicNorms | None = None,
    risk_responses: Sequence[RiskResponseAfterSession] = (),
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
        A fitted empirical ETR model; without one (or for another instrument, or on fewer
        than ``minimum_episodes`` episodes) the rational method is used and the status says
        so.
    rupture_markers : mapping, optional
        Session number → markers the clinician recorded (withdrawal, confrontation, …).
    accommodated_preferences : collection of str
        Preference aspects that are accommodated (a strong preference not listed is a
        dropout-risk indicator).
    clinic_norms : ClinicNorms, optional
        The clinic's own intake SD of this scale (:func:`clinic_norms`), used only where the
        instrument publishes neither an SD nor a reliable-change threshold.
    alliance_norms : ClinicNorms, optional
        The clinic's SD of each episode's first alliance measure of the alliance scale: with
        the published reliability it sets the rupture drop bound and noise floor where no
        published change norms exist (:func:`assess_alliance`).
    caseness : str
        The clinic's caseness convention: ``"published"`` (the instrument's cut-off, the
        default) or one the instrument definitions name (``"nhs_talking_therapies"``).
    risk_events : sequence of RiskEvent, optional
        The patient's stored risk events (the services pass them). Without them, the events
        are rebuilt from every risk flag of the outcome and alliance series up to the
        session and of the profile's questionnaires, answered by ``risk_responses``
        (episode files): an endorsement stays open until a response is recorded, whatever
        later sessions say.
    """
    session = _current_session(outcome)
    events = _risk_events(session, (outcome, alliance), profile, risk_events, risk_responses)
    notes: list[Worded] = []
    norms = resolve_norms(outcome.instrument, outcome.scale, clinic_norms, caseness)
    notes.extend(norms.notes)
    scored = [p for p in outcome.points if p.value is not None and p.session <= session]
    current = outcome.at(session)
    if current is not None and current.value is None and scored:
        notes.append(note("session_not_scored", session=session, used=scored[-1].session))
    alliance_status = assess_alliance(
        alliance, session=session, rupture_markers=rupture_markers, clinic_norms=alliance_norms
    )
    risks = dropout_risks(
        outcome,
        alliance=alliance_status,
        profile=profile,
        accommodated_preferences=accommodated_preferences,
    )
    flags = _flags(session, (outcome, alliance))
    if not scored:
        undecided = not_assessable("no_scorable_value")
        notes.append(undecided.worded)
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
            reliable_change=norms.used.reliable_change,
            category=None,
            response=None,
            remission=None,
            alert="not_assessable",
            alert_rule="no_scorable_value",
            alert_reason=undecided.reason,
            alert_reason_worded=undecided.worded,
            expected=None,
            trajectory=(),
            alliance=alliance_status,
            flags=flags,
            support_prompts=support_prompts(
                "not_assessable",
                alliance=alliance_status,
                profile=profile,
                dropout=risks,
                risk_events=events,
            ),
            dropout_risks=risks,
            norms=norms.used,
            notes=tuple(n.text for n in notes),
            notes_worded=tuple(notes),
            risk_events=events,
        )
    first, last = scored[0], scored[-1]
    if first.session != outcome.points[0].session:
        notes.append(note("intake_not_scored", session=first.session))
    intake, latest = float(first.value or 0.0), float(last.value or 0.0)
    figures = change_figures(outcome.instrument, outcome.scale, intake, latest, norms)
    notes.extend(figures.notes)
    maker = band_maker(
        outcome.instrument,
        outcome.scale,
        intake,
        norms,
        model=growth_model,
        minimum_episodes=minimum_episodes,
    )
    doses = attended_doses(outcome.points, first.session, last.session)
    bands = [maker.band(s, d, full=False) for s, d in doses]
    trajectory = tuple(b for b in bands if b is not None)
    expected = maker.band(*doses[-1], full=True) if doses else None
    line = trend(scored, doses, maker)
    decision = decide(
        norms.used,
        instrument=outcome.instrument,
        scale=outcome.scale,
        intake=intake,
        latest=latest,
        at_intake=first.session == last.session,
        expected=expected,
        trend=line,
        previous=float(scored[-2].value or 0.0) if len(scored) > 2 else None,
    )
    if decision.alert == "not_assessable":
        notes.append(decision.worded)
    worse = decision.alert == "red" or figures.category == "deteriorated"
    prompts = support_prompts(
        decision.alert,
        alliance=alliance_status,
        profile=profile,
        dropout=risks,
        risk_events=events,
        deterioration=decision.worded if worse else None,
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
        reliable_change=norms.used.reliable_change,
        category=figures.category,
        response=figures.response,
        remission=figures.remission,
        alert=decision.alert,
        alert_rule=decision.rule,
        alert_reason=decision.reason,
        alert_reason_worded=decision.worded,
        expected=expected,
        trajectory=trajectory,
        alliance=alliance_status,
        flags=flags,
        support_prompts=prompts,
        dropout_risks=risks,
        norms=norms.used,
        notes=tuple(n.text for n in notes),
        notes_worded=tuple(notes),
        reliable_rule=figures.reliable_rule,
        dose=doses[-1][1] if doses else None,
        risk_events=events,
    )


def assess_each_session(
    outcome: Series,
    *,
    alliance: Series | None = None,
    profile: Profile | None = None,
    growth_model: GrowthModel | None = None,
    rupture_markers: Mapping[int, Sequence[str]] | None = None,
    accommodated_preferences: Collection[str] = (),
    clinic_norms: ClinicNorms | None = None,
    caseness: str = PUBLISHED,
    minimum_episodes: int = MINIMUM_EPISODES,
    risk_responses: Sequence[RiskResponseAfterSession] = (),
    alliance_norms: ClinicNorms | None = None,
) -> tuple[Status, ...]:
    """The Status as it was after each attended session (for history views and evaluation).

    Risk events are rebuilt from the series at each session, answered by the responses
    recorded by then.
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
                clinic_norms=clinic_norms,
                caseness=caseness,
                minimum_episodes=minimum_episodes,
                risk_responses=risk_responses,
                alliance_norms=alliance_norms,
            )
        )
    return tuple(statuses)


#: Caseload rank of an open risk event: before every alert level.
RISK_FLAG_RANK = 0


def alert_rank(status: Status | None) -> int:
    """Caseload order: 0 an open risk event, then 1 red, 2 yellow, 3 not_assessable,
    4 green, 5 white (the order of ``ALERT_LEVELS``, after risk). No status at all (no
    outcome value stored yet) ranks as ``not_assessable``: nothing can be judged, which
    never sorts below white.
    """
    if status is None:
        return alert_urgency("not_assessable") + 1
    if status.open_risk:
        return RISK_FLAG_RANK
    return alert_urgency(status.alert) + 1


def red_limit(status: Status) -> float | None:
    """The score at which the worsening since intake reaches the red threshold that the
    alert reason names (``red_rule``: the wider of the reliable-change bound and the
    Jacobson–Truax bound from a published SEM), for charts to draw; None without an intake
    or reliable-change norms."""
    if status.intake is None or status.reliable_change is None:
        return None
    threshold = red_rule(status.instrument, status.scale, status.reliable_change, None).threshold
    worse = -1.0 if status.norms.direction == "higher_is_better" else 1.0
    return status.intake + worse * threshold


@cache
def status_format_version() -> str:
    """A short hash of the stored status document's shape (:class:`Status`'s JSON schema).

    A stored status computed by a release whose :class:`Status` had another shape is
    recomputed (the status store compares this with the row's inputs), so a stored document
    always has the shape of this release's :class:`Status` and can be served as stored.
    """
    schema = Status.model_json_schema(mode="serialization")
    payload = json.dumps(schema, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]
