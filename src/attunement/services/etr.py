"""Fit the clinic's empirical expected-treatment-response model and store it, versioned.

``fit_clinic_growth_model`` reads the outcome scores of the clinic's completed episodes
(ended; ``include_ongoing`` adds the sessions so far of open ones), fits the growth model of
:func:`attunement.monitoring.fit_growth_model` (score on ln(session) with the intake as
predictor, random intercept and slope per patient; Finch, Lambert & Schaalje 2001) and
writes it as JSON to ``DATA_DIR/etr/<instrument>-v<NNNN>.json`` — a new version each fit,
nothing overwritten. ``load_growth_model`` returns the newest; until it rests on
``MINIMUM_EPISODES`` episodes the status falls back to the rational method and says so.

Scores are derived data: a stored score from an older definition version is re-derived from
the raw answers. The fit is one audited use case (``etr.fit``) recording counts only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from attunement.errors import ConfigurationError, InputError, InvalidAnswer
from attunement.monitoring import (
    MINIMUM_EPISODES,
    EpisodeTable,
    GrowthModel,
    fit_growth_model,
    monitored_scale_id,
)
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._context import ServiceContext
from attunement.store import Administration, Episode, Patient, ScoreRecord, TherapySession

__all__ = [
    "EtrFitSummary",
    "fit_clinic_growth_model",
    "load_growth_model",
    "model_files",
    "read_growth_model",
]

_FILE = re.compile(r"^(?P<instrument>[a-z0-9_]+)-v(?P<n>\d{4,})\.json$")


class EtrFitSummary(BaseModel):
    """What was fitted and where it was stored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str
    scale: str
    file: str
    sequence: int
    model_version: str
    fitted_at: dt.datetime
    episodes: int
    sessions: int
    synthetic_episodes: int
    converged: bool
    used_by_status: bool
    minimum_episodes: int
    coefficients: dict[str, float]
    residual_variance: float

    def describe(self) -> str:
        """A few readable lines for the CLI."""
        use = (
            "used by `attune status` from now on"
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
                f"  stored: {self.file}",
                f"  {use}",
                f"  coefficients: {coefficients}; residual variance {self.residual_variance:.3f}",
                f"  converged: {'yes' if self.converged else 'NO'}",
            ]
        )


def _folder(data_dir: Path) -> Path:
    return data_dir / "etr"


def model_files(data_dir: Path, instrument: str) -> list[tuple[int, Path]]:
    """Stored model files for the instrument, oldest first, as (sequence, path)."""
    folder = _folder(data_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _FILE.match(path.name)
        if match and match["instrument"] == instrument:
            found.append((int(match["n"]), path))
    return sorted(found)


def read_growth_model(path: Path) -> GrowthModel:
    """A model file written by ``attune etr fit`` (InputError when it is not one)."""
    try:
        return GrowthModel.from_json(path.read_bytes())
    except OSError as error:
        raise InputError(
            "--model", str(path), f"a readable model file ({error.strerror})"
        ) from None
    except ValueError:
        raise InputError("--model", path.name, "a model file written by `attune etr fit`") from None


def load_growth_model(data_dir: Path, instrument: str) -> GrowthModel | None:
    """The newest stored model for the instrument, or None when none was fitted."""
    files = model_files(data_dir, instrument)
    return read_growth_model(files[-1][1]) if files else None


def _episode_scores(
    ctx: ServiceContext, actor: Actor, instrument: str, scale: str, include_ongoing: bool
) -> tuple[dict[int, list[tuple[float, float]]], set[int]]:
    from attunement.instruments import load_instrument, score

    definition = load_instrument(instrument)
    by_episode: dict[int, dict[float, float]] = defaultdict(dict)
    synthetic: set[int] = set()
    with use_case(ctx, actor, "etr.fit", target=f"etr:{instrument}") as uc:
        query = (
            select(
                Administration.episode_id,
                Administration.answers,
                Administration.language,
                ScoreRecord.definition_version,
                ScoreRecord.scales,
                TherapySession.number,
                Patient.synthetic,
            )
            .join(Episode, Administration.episode_id == Episode.id)
            .join(Patient, Episode.patient_id == Patient.id)
            .outerjoin(TherapySession, Administration.session_id == TherapySession.id)
            .outerjoin(ScoreRecord, ScoreRecord.administration_id == Administration.id)
            .where(Episode.outcome_instrument == instrument)
            .where(Administration.instrument_id == instrument)
            .order_by(Administration.episode_id, Administration.administered_at, Administration.id)
        )
        if not include_ongoing:
            query = query.where(Episode.ended_on.is_not(None))
        ordinal: dict[int, int] = defaultdict(int)
        for episode, answers, language, version, scales, number, is_synthetic in uc.session.execute(
            query
        ):
            ordinal[episode] += 1
            value = None
            if version == definition.version:
                value = (scales.get(scale) or {}).get("value")
            else:
                try:
                    value = score(definition, answers, language=language).scales[scale].value
                except InvalidAnswer:
                    continue  # answers the current definition refuses are left out of the fit
            if value is not None:
                by_episode[episode][float(number or ordinal[episode])] = float(value)
                if is_synthetic:
                    synthetic.add(episode)
        uc.detail = {"instrument": instrument, "episodes": len(by_episode)}
    series = {e: sorted(points.items()) for e, points in by_episode.items() if len(points) >= 2}
    return series, synthetic & set(series)


def fit_clinic_growth_model(
    ctx: ServiceContext,
    actor: Actor,
    *,
    data_dir: Path,
    instrument: str = "phq9",
    include_ongoing: bool = False,
) -> EtrFitSummary:
    """Fit the growth model from the clinic's episodes and store it as a new version.

    Each episode contributes its scored sessions, renumbered from its first scored session
    (1 = baseline), with that first score as the intake. Episodes with fewer than two scored
    sessions carry no information about change and are left out. Raises InputError when
    fewer than 3 episodes remain (the model cannot be fitted at all).
    """
    scale = monitored_scale_id(instrument)
    series, synthetic = _episode_scores(ctx, actor, instrument, scale, include_ongoing)
    patient, session, value, intake = [], [], [], []
    for episode, points in series.items():
        first_session, first_value = points[0]
        for number, score_value in points:
            patient.append(episode)
            session.append(number - first_session + 1)
            value.append(score_value)
            intake.append(first_value)
    if len(series) < 3:
        kind = "episodes with two or more scored sessions" + ("" if include_ongoing else ", ended")
        raise InputError(
            "episodes",
            f"{len(series)} {kind}",
            "at least 3 (and 200 to replace the rational method)",
        )
    label = f"{len(series)} clinic episodes" + (
        f", {len(synthetic)} of them SYNTHETIC" if synthetic else ""
    )
    model = fit_growth_model(
        EpisodeTable.from_arrays(patient, session, value, intake),
        instrument=instrument,
        data_label=label,
    )
    folder = _folder(data_dir)
    existing = model_files(data_dir, instrument)
    sequence = existing[-1][0] + 1 if existing else 1
    path = folder / f"{instrument}-v{sequence:04d}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # never overwrite a version
            handle.write(model.to_json())
    except OSError as error:
        raise ConfigurationError(
            "ATTUNE_DATA_DIR", f"cannot write {path} ({error.strerror})"
        ) from None
    return EtrFitSummary(
        instrument=instrument,
        scale=scale,
        file=str(path),
        sequence=sequence,
        model_version=model.version,
        fitted_at=ctx.now(),
        episodes=model.n_patients,
        sessions=model.n_obs,
        synthetic_episodes=len(synthetic),
        converged=model.converged,
        used_by_status=model.n_patients >= MINIMUM_EPISODES,
        minimum_episodes=MINIMUM_EPISODES,
        coefficients=dict(model.coefficients),
        residual_variance=model.residual_variance,
    )
