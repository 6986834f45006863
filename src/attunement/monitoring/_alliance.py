"""Alliance monitoring: ok, at risk or ruptured, and what to do about a rupture.

Rules (``feedback_rules/alliance.yaml``), for the latest alliance measure at or before the
session assessed:

* **rupture** — the value is below the instrument's threshold (WAI-SR: a stated assumption,
  no published cut-off exists); or it fell since the previous measure by at least the
  drop bound (the reliable-change bound where the instrument publishes SD and reliability,
  else a stated assumption); or the clinician recorded a rupture marker at this session.
* **at_risk** — any other fall since the previous measure (the PCOMS/OpenFIT rule that any
  SRS drop raises an alliance alert).
* **ok** — otherwise.

A rupture or risk comes with Safran & Muran's repair options, immediate and exploratory,
and — when the clinician recorded withdrawal or confrontation markers — the exploratory
progression for that kind of rupture (Eubanks, Muran & Safran 2018).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from attunement.errors import InvalidEpisode
from attunement.monitoring._feedback_data import Figure, MarkerKind, load_alliance_rules
from attunement.monitoring._series import Series

__all__ = [
    "AllianceAlert",
    "AllianceStatus",
    "RecordedMarker",
    "RepairOption",
    "assess_alliance",
    "check_rupture_markers",
]

AllianceState = Literal["ok", "at_risk", "rupture"]
_FROZEN = ConfigDict(frozen=True, extra="forbid")


class AllianceAlert(BaseModel):
    """Why the alliance is flagged at this session, with the rule's basis."""

    model_config = _FROZEN

    kind: Literal["threshold", "drop", "marker", "fall"]
    severity: Literal["rupture", "at_risk"]
    session: int
    message: str
    basis: str


class RecordedMarker(BaseModel):
    """A rupture marker the clinician recorded at the session."""

    model_config = _FROZEN

    marker: str
    kind: MarkerKind
    label: str


class RepairOption(BaseModel):
    """One of Safran & Muran's repair options (``marker`` set for a marker-specific one)."""

    model_config = _FROZEN

    kind: Literal["immediate", "exploratory"]
    text: str
    marker: MarkerKind | None = None


class AllianceStatus(BaseModel):
    """The alliance at the assessed session (``session`` is the alliance measure used)."""

    model_config = _FROZEN

    state: AllianceState
    instrument: str | None
    scale: str | None
    session: int | None
    value: float | None
    previous: float | None
    change: float | None
    threshold: float | None
    threshold_basis: str | None
    drop_bound: float | None
    drop_basis: str | None
    alerts: tuple[AllianceAlert, ...]
    markers: tuple[RecordedMarker, ...]
    repair_options: tuple[RepairOption, ...]
    repair_source: str | None
    evidence: tuple[str, ...]
    notes: tuple[str, ...] = ()


def check_rupture_markers(rupture_markers: Mapping[int, Sequence[str]] | None) -> None:
    """Raise InvalidEpisode naming the session for any unknown marker."""
    known = load_alliance_rules().markers
    for session, markers in (rupture_markers or {}).items():
        if isinstance(markers, str):
            raise InvalidEpisode(f"session {session}.rupture_markers", markers, "a list of markers")
        for marker in markers:
            if marker not in known:
                raise InvalidEpisode(f"session {session}.rupture_markers", marker, sorted(known))


def _drop_bound(alliance: Series) -> tuple[float, str]:
    from attunement.instruments import load_instrument
    from attunement.monitoring._status_maths import norms_bound

    rules = load_alliance_rules()
    scale = load_instrument(alliance.instrument).scale(alliance.scale)
    published = norms_bound(scale)
    if published is not None:
        return published
    rule = rules.instruments.get(alliance.instrument)
    if rule is not None and rule.scale == alliance.scale and rule.drop is not None:
        return rule.drop.value, rule.drop.basis
    fraction = rules.default.drop_fraction_of_range
    low, high = scale.range
    return fraction.value * (high - low), fraction.basis


def _threshold(alliance: Series) -> Figure | None:
    from attunement.instruments import load_instrument

    rule = load_alliance_rules().instruments.get(alliance.instrument)
    if rule is not None and rule.scale == alliance.scale and rule.threshold is not None:
        return rule.threshold
    norms = load_instrument(alliance.instrument).scale(alliance.scale).norms
    if norms is not None and norms.cutoff is not None:
        return Figure(value=norms.cutoff, source=norms.source)
    return None


def _markers(
    session: int, rupture_markers: Mapping[int, Sequence[str]] | None
) -> list[RecordedMarker]:
    check_rupture_markers(rupture_markers)
    known = load_alliance_rules().markers
    return [
        RecordedMarker(marker=m, kind=known[m].kind, label=known[m].label)
        for m in (rupture_markers or {}).get(session, ())
    ]


def _measure_alerts(
    alliance: Series, session: int, threshold: Figure | None, bound: tuple[float, str]
) -> tuple[list[AllianceAlert], float | None, float | None, int | None]:
    from attunement.instruments import load_instrument

    scored = [p for p in alliance.scored if p.session <= session]
    if not scored:
        return [], None, None, None
    latest = scored[-1]
    value = float(latest.value) if latest.value is not None else None
    previous = scored[-2].value if len(scored) > 1 else None
    direction = load_instrument(alliance.instrument).scale(alliance.scale).direction
    sign = -1.0 if direction == "higher_is_worse" else 1.0
    alerts: list[AllianceAlert] = []
    if value is not None and threshold is not None and sign * (value - threshold.value) < 0:
        alerts.append(
            AllianceAlert(
                kind="threshold",
                severity="rupture",
                session=latest.session,
                message=(
                    f"{alliance.instrument} {value:.2f} is past the threshold {threshold.value:g}"
                ),
                basis=threshold.basis,
            )
        )
    if value is not None and previous is not None:
        fall = sign * (previous - value)
        if fall >= bound[0] - 1e-9:
            alerts.append(
                AllianceAlert(
                    kind="drop",
                    severity="rupture",
                    session=latest.session,
                    message=(
                        f"{alliance.instrument} fell {fall:.2f} since the previous measure "
                        f"({previous:.2f} → {value:.2f}); the drop bound is {bound[0]:g}"
                    ),
                    basis=bound[1],
                )
            )
        elif fall > 1e-9:
            alerts.append(
                AllianceAlert(
                    kind="fall",
                    severity="at_risk",
                    session=latest.session,
                    message=f"{alliance.instrument} fell {fall:.2f} since the previous measure",
                    basis=load_alliance_rules().at_risk.source,
                )
            )
    return alerts, value, previous, latest.session


def assess_alliance(
    alliance: Series | None,
    *,
    session: int,
    rupture_markers: Mapping[int, Sequence[str]] | None = None,
) -> AllianceStatus | None:
    """The alliance state at ``session``; None when neither a measure nor a marker exists."""
    rules = load_alliance_rules()
    markers = _markers(session, rupture_markers)
    if alliance is None and not markers:
        return None
    alerts: list[AllianceAlert] = []
    value = previous = threshold_value = bound_value = None
    used = None
    threshold_basis = bound_basis = None
    notes: list[str] = []
    if alliance is not None:
        threshold = _threshold(alliance)
        bound = _drop_bound(alliance)
        threshold_value = threshold.value if threshold else None
        threshold_basis = threshold.basis if threshold else None
        if threshold is None:
            notes.append(f"{alliance.instrument} has no threshold: only falls are judged")
        bound_value, bound_basis = bound
        alerts, value, previous, used = _measure_alerts(alliance, session, threshold, bound)
        if used is None:
            notes.append(
                f"no scorable {alliance.instrument} measure at or before session {session}"
            )
        elif used != session:
            notes.append(f"latest alliance measure is from session {used}")
    for marker in markers:
        alerts.append(
            AllianceAlert(
                kind="marker",
                severity="rupture",
                session=session,
                message=f"clinician recorded a {marker.kind} marker: {marker.label}",
                basis=rules.markers_source,
            )
        )
    state: AllianceState = "ok"
    if any(a.severity == "rupture" for a in alerts):
        state = "rupture"
    elif alerts:
        state = "at_risk"
    kinds = {m.kind for m in markers}
    repairs = tuple(
        RepairOption(kind=r.kind, text=r.text, marker=r.marker)
        for r in rules.repairs
        if state != "ok" and (r.marker is None or r.marker in kinds)
    )
    if state != "ok" and not kinds:
        notes.append(
            "record withdrawal or confrontation markers for marker-specific repair options"
        )
    return AllianceStatus(
        state=state,
        instrument=alliance.instrument if alliance else None,
        scale=alliance.scale if alliance else None,
        session=used,
        value=value,
        previous=previous,
        change=(value - previous) if value is not None and previous is not None else None,
        threshold=threshold_value,
        threshold_basis=threshold_basis,
        drop_bound=bound_value,
        drop_basis=bound_basis,
        alerts=tuple(alerts),
        markers=tuple(markers),
        repair_options=repairs,
        repair_source=rules.repairs_source if repairs else None,
        evidence=rules.evidence,
        notes=tuple(notes),
    )
