"""A synthetic clinic that hides the truth practice-based learning must recover (issue 15).

Labelled SYNTHETIC: nothing here is patient data. The clinic is generated with *known*
effects so that the learning report can be judged against them:

* **Therapist effects.** Each therapist adds a true shift ``u_t ~ N(0, therapist_sd²)`` to
  the change of every patient they see (some therapists are better than others).
* **Accommodation benefit for some patients.** Only patients with a *strong* preference
  benefit when it is accommodated: their true change improves by
  ``accommodation_benefit`` points and their per-session dropout odds are divided by the
  published odds ratio (Swift et al. 2018, as in :mod:`._assumptions`). Accommodation is
  recorded for a random half of them (independent of everything else, so the association
  is the causal effect and the report can be judged against it).
* **No effect where none is simulated.** A stage-matched stance is recorded for a random
  half of all patients and changes nothing.

Scores are the true course plus measurement noise with the PHQ-9's published SEM. The
ground truth is NOT taken from any rule the report judges: :class:`HiddenTruth` holds the
therapist shifts and, for each tailoring dimension, the average effect among the patients
it applied to, computed from the two potential courses of each patient drawn with the same
random numbers (followed vs not followed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from attunement.learning import LearningEpisode
from attunement.simulate._assumptions import value
from attunement.wording import HIDDEN_TRUTH_LABEL

__all__ = [
    "HIDDEN_TRUTH_ASSUMPTIONS",
    "HIDDEN_TRUTH_LABEL",
    "PREFERENCES",
    "STAGES",
    "HiddenTruth",
    "HiddenTruthClinic",
    "TrueEffect",
    "simulate_hidden_truth",
]

#: Parameters of the hidden-truth clinic: (value, source or "assumption: …").
HIDDEN_TRUTH_ASSUMPTIONS: dict[str, tuple[float, str]] = {
    "therapist_sd": (
        1.5,
        "assumption: SD of the therapists' true shift of change, in PHQ-9 points (no "
        "published therapist-effect figure on this scale is in the evidence base)",
    ),
    "accommodation_benefit": (
        2.5,
        "assumption: points of extra improvement when a strong preference is accommodated; "
        "a size to recover, not a published figure",
    ),
    "share_strong_preference": (0.35, "assumption"),
    "share_followed": (0.5, "assumption: the plan is followed at random for half"),
    "mean_relative_change": (
        0.4,
        "assumption: the average patient's true score falls by 40% of the intake by the end",
    ),
    "patient_change_sd": (3.5, "assumption: SD of the patients' own true change, in points"),
    "precontemplation_penalty": (
        2.0,
        "assumption: points less improvement in precontemplation (a covariate, not followed)",
    ),
    "share_spanish": (0.25, "assumption, as in the synthetic demo clinic"),
    "share_female": (0.6, "assumption"),
}

_STAGES = ("precontemplation", "contemplation", "preparation", "action", "maintenance")
_LEVELS = ("low", "moderate", "high")
_AGE_BANDS = ("18-25", "26-40", "41-65", "66+")
PREFERENCES, STAGES = "preferences", "stages_of_change"


def _h(name: str) -> float:
    return HIDDEN_TRUTH_ASSUMPTIONS[name][0]


@dataclass(frozen=True)
class TrueEffect:
    """The true average effect of following the plan, among the patients it applied to:
    on the final true score (negative = more improvement on PHQ-9) and on the dropout
    probability (a risk difference)."""

    dimension: str
    final_score: float
    dropout: float
    applied_to: int


@dataclass(frozen=True)
class HiddenTruth:
    therapist_shift: dict[str, float]  # true shift of change (negative = better)
    effects: dict[str, TrueEffect]


@dataclass(frozen=True)
class HiddenTruthClinic:
    label: str
    seed: int
    episodes: tuple[LearningEpisode, ...]
    truth: HiddenTruth


def _course(
    intake: float, change: float, planned: int, uniforms: np.ndarray, hazard: float
) -> tuple[list[float], bool]:
    """True scores by dose until the planned end or dropout (from the third session on)."""
    truths: list[float] = []
    for s in range(1, planned + 1):
        if s > 2 and uniforms[s - 1] < hazard:
            return truths, True
        truths.append(float(np.clip(intake + change * math.log(s) / math.log(planned), 0, 27)))
    return truths, False


@dataclass(frozen=True)
class _Draws:
    """One patient's random numbers: both potential courses are drawn from the same ones."""

    intake: float
    base_change: float
    planned: int
    uniforms: np.ndarray
    strong: bool
    base_odds: float
    odds_ratio: float

    def course(self, followed: bool) -> tuple[list[float], bool]:
        """The true course if the preference is accommodated (``followed``) or not."""
        benefit = _h("accommodation_benefit") if self.strong and followed else 0.0
        odds = self.base_odds * (1.0 if followed or not self.strong else self.odds_ratio)
        return _course(
            self.intake, self.base_change - benefit, self.planned, self.uniforms, odds / (1 + odds)
        )


def simulate_hidden_truth(
    *, seed: int = 11, n_episodes: int = 600, n_therapists: int = 12
) -> HiddenTruthClinic:
    """Generate the clinic (deterministic for a seed) and the truth it hides."""
    rng = np.random.default_rng(seed)
    therapists = [f"therapist_{i + 1:02d}" for i in range(n_therapists)]
    shift = {t: float(rng.normal(0.0, _h("therapist_sd"))) for t in therapists}
    base_odds = value("dropout_per_session") / (1 - value("dropout_per_session"))
    odds_ratio = value("dropout_odds_ratio_unaccommodated_strong_preference")
    sem = value("measurement_sem")
    episodes: list[LearningEpisode] = []
    gains: dict[str, list[tuple[float, float]]] = {PREFERENCES: [], STAGES: []}
    for index in range(n_episodes):
        therapist = therapists[index % n_therapists]
        intake = float(
            np.clip(rng.normal(value("intake_phq9_mean"), value("intake_phq9_sd")), 5, 27)
        )
        stage = str(rng.choice(_STAGES, p=[0.1, 0.3, 0.3, 0.25, 0.05]))
        strong = bool(rng.random() < _h("share_strong_preference"))
        accommodated = bool(rng.random() < _h("share_followed"))
        matched = bool(rng.random() < _h("share_followed"))
        planned = int(np.clip(round(math.exp(rng.normal(math.log(12), 0.35))), 6, 24))
        base_change = (
            -_h("mean_relative_change") * intake
            + shift[therapist]
            + float(rng.normal(0.0, _h("patient_change_sd")))
            + (_h("precontemplation_penalty") if stage == "precontemplation" else 0.0)
        )
        uniforms = rng.random(planned)
        noise = rng.normal(0.0, sem, planned)

        draws = _Draws(intake, base_change, planned, uniforms, strong, base_odds, odds_ratio)
        truths, dropped = draws.course(accommodated)
        if strong:
            (yes, d_yes), (no, d_no) = draws.course(True), draws.course(False)
            gains[PREFERENCES].append((yes[-1] - no[-1], float(d_yes) - float(d_no)))
        gains[STAGES].append((0.0, 0.0))  # a stage-matched stance changes nothing here
        observed = tuple(
            float(np.clip(round(t + n), 0, 27)) for t, n in zip(truths, noise, strict=False)
        )
        followed = {STAGES: matched} | ({PREFERENCES: accommodated} if strong else {})
        episodes.append(
            LearningEpisode(
                key=f"HT-{seed}-{index + 1:05d}",
                therapist=therapist,
                scores=observed,
                dropped_out=dropped,
                language="es" if rng.random() < _h("share_spanish") else "en",
                sex="female" if rng.random() < _h("share_female") else "male",
                dimensions={
                    "stage_of_change": stage,
                    "strongest_preference": "strong" if strong else "moderate",
                    "reactance": str(rng.choice(_LEVELS)),
                    "age_band": str(rng.choice(_AGE_BANDS)),
                },
                followed=followed,
            )
        )
    effects = {
        dim: TrueEffect(
            dimension=dim,
            final_score=float(np.mean([g[0] for g in rows])) if rows else 0.0,
            dropout=float(np.mean([g[1] for g in rows])) if rows else 0.0,
            applied_to=len(rows),
        )
        for dim, rows in gains.items()
    }
    return HiddenTruthClinic(
        label=HIDDEN_TRUTH_LABEL,
        seed=seed,
        episodes=tuple(episodes),
        truth=HiddenTruth(therapist_shift=shift, effects=effects),
    )
