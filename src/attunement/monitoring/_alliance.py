"""Alliance monitoring: ok, at risk or ruptured, and what to do about a rupture.

Rules (``feedback_rules/alliance.yaml``), for the latest alliance measure at or before the
session assessed, judged against the patient's **own earlier level** as well as the last
session (a rupture can come in small steps: WAI-SR 4.6 → 3.1 in steps of 0.3):

* **rupture** — the value is below the instrument's threshold (WAI-SR: a stated assumption,
  no published cut-off exists); or it fell by at least the drop bound since the previous
  measure *or* from the patient's best earlier measure; or the clinician recorded a rupture
  marker at this session.
* **at_risk** — a fall from the previous or the best earlier measure of at least the noise
  floor (measurement error) but less than the drop bound.
* **ok** — otherwise.

The drop bound and the noise floor respect the instrument's measurement error
(:mod:`attunement.monitoring._alliance_limits`): the reliable-change bound and one S_diff
from published change norms, or from the clinic's own SD of first alliance measures with
the published reliability (WAI-SR, once enough episodes exist: SD 0.6 and r = .80 give a
bound of 0.74 and an S_diff of 0.38), else stated assumptions (WAI-SR 0.5 and 0.33: a move
from 4.6 to 4.3 is noise). The status says which (``limits_origin``) and why (the bases).

A rupture or risk comes with Safran & Muran's repair options, immediate and exploratory,
and — when the clinician recorded withdrawal or confrontation markers — the exploratory
progression for that kind of rupture (Eubanks, Muran & Safran 2018).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.errors import InvalidEpisode
from attunement.instruments import load_instrument
from attunement.monitoring._alliance_alerts import AllianceAlert, alert, noise_floor_basis
from attunement.monitoring._alliance_limits import LimitsOrigin, alliance_limits
from attunement.monitoring._feedback_data import MarkerKind, ShownFigure, load_alliance_rules
from attunement.monitoring._norms import ClinicNorms
from attunement.monitoring._outer_basis import figure_reason
from attunement.monitoring._series import Series
from attunement.monitoring._worded import Worded, as_stored

__all__ = [
    "AllianceAlert",
    "AllianceStatus",
    "RecordedMarker",
    "RepairOption",
    "assess_alliance",
    "check_rupture_markers",
]

AllianceState = Literal["ok", "at_risk", "rupture"]


class RecordedMarker(BaseModel):
    """A rupture marker the clinician recorded at the session."""

    model_config = FROZEN

    marker: str
    kind: MarkerKind
    label: str


class RepairOption(BaseModel):
    """One of Safran & Muran's repair options (``marker`` set for a marker-specific one)."""

    model_config = FROZEN

    kind: Literal["immediate", "exploratory"]
    text: str
    marker: MarkerKind | None = None


class AllianceStatus(BaseModel):
    """The alliance at the assessed session (``session`` is the alliance measure used)."""

    model_config = FROZEN

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
    best: float | None = None
    fall_from_best: float | None = None
    noise_floor: float | None = None
    noise_basis: str | None = None
    #: where the drop bound and noise floor come from (None without an alliance measure)
    limits_origin: LimitsOrigin | None = None
    #: the clinic's SD of first alliance measures they rest on (``clinic-derived`` only)
    clinic_norms: ClinicNorms | None = None
    #: the published reliability used with that SD
    reliability: float | None = None
    #: the three bases as sentences with their message ids and figures, said in the
    #: reader's language (``attunement.wording.status_in``); None in a status stored before
    threshold_basis_worded: Worded | None = None
    drop_basis_worded: Worded | None = None
    noise_basis_worded: Worded | None = None


def check_rupture_markers(rupture_markers: Mapping[int, Sequence[str]] | None) -> None:
    """Raise InvalidEpisode naming the session for any unknown marker."""
    known = load_alliance_rules().markers
    for session, markers in (rupture_markers or {}).items():
        if isinstance(markers, str):
            raise InvalidEpisode(f"session {session}.rupture_markers", markers, "a list of markers")
        for marker in markers:
            if marker not in known:
                raise InvalidEpisode(f"session {session}.rupture_markers", marker, sorted(known))


def _markers(
    session: int, rupture_markers: Mapping[int, Sequence[str]] | None
) -> list[RecordedMarker]:
    check_rupture_markers(rupture_markers)
    known = load_alliance_rules().markers
    return [
        RecordedMarker(marker=m, kind=known[m].kind, label=known[m].label)
        for m in (rupture_markers or {}).get(session, ())
    ]


class _Measured(BaseModel):
    model_config = FROZEN

    alerts: tuple[AllianceAlert, ...] = ()
    value: float | None = None
    previous: float | None = None
    best: float | None = None
    fall_from_best: float | None = None
    session: int | None = None


def _fallalert(
    instrument: str, session: int, fall: float, against: Literal["previous", "best"],
    bound: tuple[float, Worded],
) -> AllianceAlert:  # fmt: skip
    kind: Literal["drop", "cumulative"] = "drop" if against == "previous" else "cumulative"
    return alert(
        kind,
        "rupture",
        session,
        kind,
        bound[1],
        formats={"fall": ".2f", "bound": ".3g"},
        instrument=instrument,
        fall=fall,
        bound=bound[0],
    )


def _measure_alerts(
    alliance: Series,
    session: int,
    threshold: ShownFigure | None,
    bound: tuple[float, Worded],
    noise: tuple[float, Worded],
) -> _Measured:

    scored = [p for p in alliance.scored if p.session <= session]
    if not scored:
        return _Measured()
    latest = scored[-1]
    value = float(latest.value) if latest.value is not None else None
    earlier = [float(p.value) for p in scored[:-1] if p.value is not None]
    direction = load_instrument(alliance.instrument).scale(alliance.scale).direction
    sign = -1.0 if direction == "higher_is_worse" else 1.0
    previous = earlier[-1] if earlier else None
    best = max(earlier, key=lambda v: sign * v) if earlier else None
    alerts: list[AllianceAlert] = []
    name = load_instrument(alliance.instrument).short_name  # the clinician's name for it
    if value is not None and threshold is not None and sign * (value - threshold.value) < 0:
        alerts.append(
            alert(
                "threshold",
                "rupture",
                latest.session,
                "threshold",
                figure_reason(threshold),
                formats={"value": ".2f", "threshold": "g"},
                instrument=name,
                value=value,
                threshold=threshold.value,
            )
        )
    if value is not None and previous is not None and best is not None:
        from_previous, from_best = sign * (previous - value), sign * (best - value)
        if from_previous >= bound[0] - 1e-9:
            alerts.append(_fallalert(name, latest.session, from_previous, "previous", bound))
        elif from_best >= bound[0] - 1e-9:
            alerts.append(_fallalert(name, latest.session, from_best, "best", bound))
        elif max(from_previous, from_best) >= noise[0] - 1e-9:
            fall = max(from_previous, from_best)
            against = "fall_previous" if from_previous >= from_best else "fall_best"
            alerts.append(
                alert(
                    "fall",
                    "at_risk",
                    latest.session,
                    against,
                    noise_floor_basis(load_alliance_rules().at_risk.source, noise[1]),
                    formats={"fall": ".2f", "noise": ".2g"},
                    instrument=name,
                    fall=fall,
                    noise=noise[0],
                )
            )
    fall_from_best = None if value is None or best is None else max(0.0, sign * (best - value))
    return _Measured(
        alerts=tuple(alerts),
        value=value,
        previous=previous,
        best=best,
        fall_from_best=fall_from_best,
        session=latest.session,
    )


def assess_alliance(
    alliance: Series | None,
    *,
    session: int,
    rupture_markers: Mapping[int, Sequence[str]] | None = None,
    clinic_norms: ClinicNorms | None = None,
) -> AllianceStatus | None:
    """The alliance state at ``session``; None when neither a measure nor a marker exists.

    ``clinic_norms``: the SD of the clinic's first alliance measures of this scale
    (:func:`~attunement.monitoring.clinic_norms`, computed by the services); with the
    published reliability it gives the drop bound and noise floor where no published
    change norms exist. Without it (or below the minimum of episodes, when the services
    pass None) the stated assumptions are used, and the status says so.
    """
    rules = load_alliance_rules()
    markers = _markers(session, rupture_markers)
    if alliance is None and not markers:
        return None
    alerts: list[AllianceAlert] = []
    value = previous = best = threshold_value = bound_value = noise_value = None
    fall_from_best = None
    used = None
    threshold_basis: Worded | None = None
    bound_basis: Worded | None = None
    noise_basis: Worded | None = None
    notes: list[str] = []
    limits = None
    if alliance is not None:
        limits = alliance_limits(alliance.instrument, alliance.scale, clinic_norms)
        threshold, bound, noise = limits.threshold, limits.drop, limits.noise
        shown = load_instrument(alliance.instrument).short_name
        threshold_value = threshold.value if threshold else None
        threshold_basis = figure_reason(threshold) if threshold else None
        if threshold is None:
            notes.append(f"{shown} has no threshold: only falls are judged")
        bound_value, bound_basis = bound
        noise_value, noise_basis = noise
        measured = _measure_alerts(alliance, session, threshold, bound, noise)
        alerts = list(measured.alerts)
        value, previous, best, used = (
            measured.value,
            measured.previous,
            measured.best,
            measured.session,
        )
        fall_from_best = measured.fall_from_best
        if used is None:
            notes.append(f"no scorable {shown} measure at or before session {session}")
        elif used != session:
            notes.append(f"latest alliance measure is from session {used}")
    for marker in markers:
        alerts.append(
            alert(
                "marker",
                "rupture",
                session,
                marker.kind,
                as_stored(rules.markers_source),
                marker=marker.label,
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
        threshold_basis=_text(threshold_basis),
        threshold_basis_worded=threshold_basis,
        drop_bound=bound_value,
        drop_basis=_text(bound_basis),
        drop_basis_worded=bound_basis,
        alerts=tuple(alerts),
        markers=tuple(markers),
        repair_options=repairs,
        repair_source=rules.repairs_source if repairs else None,
        evidence=rules.evidence,
        notes=tuple(notes),
        best=best,
        fall_from_best=fall_from_best,
        noise_floor=noise_value,
        noise_basis=_text(noise_basis),
        noise_basis_worded=noise_basis,
        limits_origin=limits.origin if limits else None,
        clinic_norms=limits.clinic_norms if limits else None,
        reliability=limits.reliability if limits else None,
    )


def _text(sentence: Worded | None) -> str | None:
    return None if sentence is None else sentence.text
