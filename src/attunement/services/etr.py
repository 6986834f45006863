"""Fit the clinic's empirical expected-treatment-response model and store it, versioned.

``fit_clinic_growth_model`` reads the outcome scores of the clinic's completed episodes
(ended; ``include_ongoing`` adds the sessions so far of open ones), fits the growth model of
:func:`attunement.monitoring.fit_growth_model` (score on ln(session) with the intake as
predictor, random intercept and slope per patient; Finch, Lambert & Schaalje 2001) and
stores it in the ``etr_models`` table as the instrument's next version — nothing is
overwritten. ``latest_growth_model`` returns the newest; the status service passes it to
``assess_episode``, which falls back to the rational method (and says so) until the model
rests on ``MINIMUM_EPISODES`` episodes.

Scores are derived data: a stored score from an older definition version is re-derived from
the raw answers. The fit is one use case in one transaction (``etr.fit``, audited with
counts and the stored version only); on SQLite it holds the single writer for the few
seconds a large fit takes, which the engine's busy timeout absorbs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import InputError
from attunement.monitoring import (
    MINIMUM_EPISODES,
    EpisodeTable,
    GrowthModel,
    fit_growth_model,
    monitored_scale_id,
)
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._clinic_episodes import outcome_series as _episode_scores
from attunement.services._context import ServiceContext
from attunement.services._growth_models import add_growth_model, newest_growth_model
from attunement.services._transaction import read_transaction
from attunement.store import (
    Episode,
    EtrModel,
)

__all__ = [
    "EtrFitSummary",
    "EtrModelPublic",
    "fit_clinic_growth_model",
    "latest_growth_model",
    "list_growth_models",
    "read_growth_model",
]


class EtrModelPublic(BaseModel):
    """One stored model version (without the model's numbers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    instrument: str
    sequence: int
    model_version: str
    fitted_at: dt.datetime
    n_patients: int
    n_obs: int
    data_label: str
    used_by_status: bool


class EtrFitSummary(BaseModel):
    """What was fitted and which version it was stored as."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str
    scale: str
    sequence: int
    model_version: str
    fitted_at: dt.datetime
    episodes: int
    sessions: int
    synthetic_episodes: int
    #: the fitted episodes by end reason (``planned_end``, ``dropout`` …; ``open`` with
    #: ``--include-ongoing``), so that a fit on mostly dropouts is visible
    end_reasons: dict[str, int] = {}
    converged: bool
    used_by_status: bool
    minimum_episodes: int
    coefficients: dict[str, float]
    residual_variance: float
    singular: bool = False
    boundary_note: str | None = None
    model: GrowthModel = Field(exclude=True, repr=False)  # as stored (not in the JSON summary)

    def describe(self) -> str:
        """A few readable lines for the CLI."""
        use = (
            "used by the status from now on"
            if self.used_by_status
            else f"NOT used yet: statuses fall back to the rational method until the model "
            f"rests on {self.minimum_episodes} episodes"
        )
        coefficients = ", ".join(f"{k} {v:.3f}" for k, v in self.coefficients.items())
        return "\n".join(
            [
                f"fitted {self.instrument} {self.scale} growth model v{self.sequence} "
                f"({self.model_version}) on {self.episodes} episodes, {self.sessions} sessions"
                + (f" ({self.synthetic_episodes} synthetic)" if self.synthetic_episodes else ""),
                "  by end reason: "
                + (
                    ", ".join(f"{n} {r.replace('_', ' ')}" for r, n in self.end_reasons.items())
                    or "none"
                ),
                f"  stored: database table etr_models, {self.instrument} version {self.sequence}",
                f"  {use}",
                f"  coefficients: {coefficients}; residual variance {self.residual_variance:.3f}",
                f"  converged: {'yes' if self.converged else 'NO'}",
                f"  SINGULAR FIT: {self.boundary_note}"
                if self.boundary_note
                else "  random effects: not singular",
            ]
        )


def read_growth_model(path: Path) -> GrowthModel:
    """A model file (``GrowthModel.to_json``, e.g. ``attune etr fit --export``)."""
    try:
        return GrowthModel.from_json(path.read_bytes())
    except OSError as error:
        raise InputError(
            "--model", str(path), f"a readable model file ({error.strerror})"
        ) from None
    except ValueError:
        raise InputError(
            "--model", path.name, "a model file written by `attune etr fit --export`"
        ) from None


def latest_growth_model(ctx: ServiceContext, instrument: str) -> GrowthModel | None:
    """The instrument's newest stored model, or None when none was fitted.

    Models hold aggregate coefficients, no patient data, so reading one is not audited.
    """
    with read_transaction(ctx.sessions) as session:
        return newest_growth_model(session, instrument)


def list_growth_models(ctx: ServiceContext, instrument: str | None = None) -> list[EtrModelPublic]:
    """Stored versions (of one instrument, or all), oldest first; ``used_by_status`` marks
    the newest version of each instrument when it rests on enough episodes."""
    query = select(EtrModel).order_by(EtrModel.instrument, EtrModel.sequence)
    if instrument is not None:
        query = query.where(EtrModel.instrument == instrument)
    with read_transaction(ctx.sessions) as session:
        rows = list(session.scalars(query))
    newest = {row.instrument: row.sequence for row in rows}  # rows are in sequence order
    return [
        EtrModelPublic(
            id=row.id,
            instrument=row.instrument,
            sequence=row.sequence,
            model_version=row.model_version,
            fitted_at=row.fitted_at,
            n_patients=row.n_patients,
            n_obs=row.n_obs,
            data_label=row.data_label,
            used_by_status=newest[row.instrument] == row.sequence
            and row.n_patients >= MINIMUM_EPISODES,
        )
        for row in rows
    ]


def _end_reasons(session: Session, episodes: Collection[int]) -> dict[str, int]:
    """How many of ``episodes`` ended for each reason (``open``: not ended)."""
    counts: Counter[str] = Counter()
    ids = sorted(episodes)
    for start in range(0, len(ids), 500):  # in chunks: a bounded number of parameters
        for ended_on, reason in session.execute(
            select(Episode.ended_on, Episode.end_reason).where(
                Episode.id.in_(ids[start : start + 500])
            )
        ):
            counts["open" if ended_on is None else (reason or "unknown")] += 1
    return dict(sorted(counts.items()))


def _table(series: dict[int, list[tuple[float, float]]]) -> EpisodeTable:
    """Sessions numbered by dose: the scored sessions of each episode counted from its first
    (1 = baseline = intake), so missed appointments do not advance the curve — the dose the
    status counts (``attunement.monitoring``: attended sessions since the baseline)."""
    patient, session, value, intake = [], [], [], []
    for episode, points in series.items():
        first_value = points[0][1]
        for dose, (_, score_value) in enumerate(points, start=1):
            patient.append(episode)
            session.append(float(dose))
            value.append(score_value)
            intake.append(first_value)
    return EpisodeTable.from_arrays(patient, session, value, intake)


def fit_clinic_growth_model(
    ctx: ServiceContext,
    actor: Actor,
    *,
    instrument: str = "phq9",
    include_ongoing: bool = False,
) -> EtrFitSummary:
    """Fit the growth model from the clinic's episodes and store it as a new version.

    Only ended episodes (closed with an end reason) are fitted unless ``include_ongoing``;
    the summary counts them by end reason (planned end, dropout …).

    Each episode contributes its scored sessions, numbered by dose from its first scored
    session (1 = baseline; missed appointments are not counted), with that first score as
    the intake. Episodes with fewer than two scored
    sessions carry no information about change and are left out. Raises InputError when
    fewer than 3 episodes remain (the model cannot be fitted at all); nothing is stored then.
    """
    scale = monitored_scale_id(instrument)
    with use_case(ctx, actor, AuditAction.ETR_FIT, target=f"etr:{instrument}") as uc:
        series, synthetic = _episode_scores(uc.session, instrument, scale, include_ongoing)
        uc.detail = {"instrument": instrument, "episodes": len(series)}
        if len(series) < 3:
            kind = "episodes with two or more scored sessions" + (
                "" if include_ongoing else ", ended"
            )
            raise InputError(
                "episodes",
                len(series),
                f"at least 3 {kind} (and {MINIMUM_EPISODES} to replace the rational method)",
            )
        label = f"{len(series)} clinic episodes" + (
            f", {len(synthetic)} of them SYNTHETIC" if synthetic else ""
        )
        model = fit_growth_model(_table(series), instrument=instrument, data_label=label)
        fitted_at = ctx.now()
        row = add_growth_model(uc.session, model, instrument=instrument, fitted_at=fitted_at)
        uc.detail |= {"sequence": row.sequence, "model_version": row.model_version}
        return EtrFitSummary(
            instrument=instrument,
            scale=scale,
            sequence=row.sequence,
            model_version=model.version,
            fitted_at=fitted_at,
            episodes=model.n_patients,
            sessions=model.n_obs,
            synthetic_episodes=len(synthetic),
            end_reasons=_end_reasons(uc.session, series),
            converged=model.converged,
            used_by_status=model.n_patients >= MINIMUM_EPISODES,
            minimum_episodes=MINIMUM_EPISODES,
            coefficients=dict(model.coefficients),
            residual_variance=model.residual_variance,
            singular=model.singular,
            boundary_note=model.boundary_note,
            model=model,
        )
