"""Decide the plan's settings from the rules' proposals, resolving conflicts explicitly.

For each setting the proposals are folded strongest evidence first. When a proposal
disagrees with the value held so far, the resolution on file for that pair of dimensions
(``conflicts.yaml``) decides — follow one side, or a stated compromise — and the conflict is
recorded with its reason. Only when no resolution is on file does the stronger evidence win,
and the plan says so (``from_data = false``). A setting nobody proposes takes its default
from ``settings.yaml``, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from attunement.evidence import EvidenceBase
from attunement.profile import Profile
from attunement.tailoring._citations import cite
from attunement.tailoring._conditions import Context
from attunement.tailoring._evaluation import evaluate
from attunement.tailoring._firing import Firing
from attunement.tailoring._models import PatientFact, PlanConflict, SettingDecision, SettingOption
from attunement.tailoring._rulebook import SETTINGS, RuleBook, SettingResolution, Tension

__all__ = ["SettingsOutcome", "decide_settings", "find_tensions", "tension_conflict"]


class SettingsOutcome(NamedTuple):
    """The chosen values, the processes of change, how each was decided and the conflicts."""

    values: dict[str, str | None]
    processes: tuple[str, ...]
    decisions: tuple[SettingDecision, ...]
    conflicts: tuple[PlanConflict, ...]


@dataclass
class _Held:
    value: str
    backing: list[tuple[Firing, str]] = field(default_factory=list)
    resolved_by: list[str] = field(default_factory=list)

    @property
    def dimensions(self) -> list[str]:
        return list(dict.fromkeys(f.dimension for f, _ in self.backing))


def decide_settings(
    firings: tuple[Firing, ...], book: RuleBook, evidence: EvidenceBase
) -> SettingsOutcome:
    """Fold the firings' proposals into one value per setting (firings: strongest first)."""
    values: dict[str, str | None] = {}
    decisions: list[SettingDecision] = []
    conflicts: list[PlanConflict] = []
    for setting in SETTINGS:
        proposals = [
            (f, f.rule.spec.sets.single()[setting])
            for f in firings
            if setting in f.rule.spec.sets.single()
        ]
        if not proposals:
            vocabulary = book.settings[setting]
            values[setting] = vocabulary.default
            decisions.append(
                SettingDecision(
                    setting=setting,
                    value=vocabulary.default,
                    basis="default",
                    note=vocabulary.default_reason,
                )
            )
            continue
        held = _Held(value=proposals[0][1], backing=[proposals[0]])
        for firing, value in proposals[1:]:
            if value == held.value:
                held.backing.append((firing, value))
                continue
            held, conflict = _resolve(setting, held, firing, value, book=book, evidence=evidence)
            conflicts.append(conflict)
        values[setting] = held.value
        decisions.append(_decision(setting, held))
    processes: list[str] = []
    for firing in firings:
        for process in firing.rule.spec.sets.processes_of_change:
            if process not in processes:
                processes.append(process)
    return SettingsOutcome(values, tuple(processes), tuple(decisions), tuple(conflicts))


def find_tensions(
    book: RuleBook, profile: Profile, context: Context | None = None
) -> tuple[tuple[Tension, tuple[PatientFact, ...]], ...]:
    """The tensions on file whose condition holds for this profile, with the facts it saw."""
    found: list[tuple[Tension, tuple[PatientFact, ...]]] = []
    for tension in book.tensions:
        match = evaluate(tension.when, profile, context)
        if match.holds:
            found.append((tension, match.facts))
    return tuple(found)


def tension_conflict(
    tension: Tension, facts: tuple[PatientFact, ...], evidence: EvidenceBase
) -> PlanConflict:
    """A tension that holds, as a recorded conflict with its resolution and evidence."""
    return PlanConflict(
        id=tension.id,
        kind="tension",
        between=tension.between,
        resolution=tension.resolution,
        reason=tension.reason,
        because=facts,
        evidence=tuple(cite(ref, evidence) for ref in tension.evidence),
    )


def _resolve(
    setting: str,
    held: _Held,
    firing: Firing,
    value: str,
    *,
    book: RuleBook,
    evidence: EvidenceBase,
) -> tuple[_Held, PlanConflict]:
    options = [
        *(SettingOption(value=v, rule=f.id, dimension=f.dimension) for f, v in held.backing),
        SettingOption(value=value, rule=firing.id, dimension=firing.dimension),
    ]
    facts = _facts([*(f for f, _ in held.backing), firing])
    resolution = _find(book, setting, held.dimensions, firing.dimension)
    if resolution is None:
        strongest = held.backing[0][0]
        citation = strongest.citations[0]
        conflict = PlanConflict(
            id=f"{setting}:{strongest.dimension}-vs-{firing.dimension}",
            kind="setting",
            setting=setting,
            between=(strongest.dimension, firing.dimension),
            options=tuple(options),
            chosen=held.value,
            resolution=f"Kept {setting} {held.value!r} from {strongest.id}.",
            reason=(
                "No resolution for this pair is on file; the value backed by the stronger "
                f"evidence was kept ({citation.element_name}: {citation.verdict})."
            ),
            because=facts,
            evidence=(citation, firing.citations[0]),
            from_data=False,
        )
        return held, conflict
    if resolution.follow == firing.dimension:
        new = _Held(value=value, backing=[(firing, value)], resolved_by=[resolution.id])
    elif resolution.follow is not None:
        new = _Held(held.value, held.backing, [*held.resolved_by, resolution.id])
    else:
        chosen = str(resolution.value)
        new = _Held(chosen, [*held.backing, (firing, value)], [*held.resolved_by, resolution.id])
    text = resolution.resolution
    conflict = PlanConflict(
        id=resolution.id,
        kind="setting",
        setting=setting,
        between=resolution.between,
        options=tuple(options),
        chosen=new.value,
        resolution=text[new.value] if isinstance(text, dict) else text,
        reason=resolution.reason,
        because=facts,
        evidence=tuple(cite(ref, evidence) for ref in resolution.evidence),
    )
    return new, conflict


def _find(
    book: RuleBook, setting: str, held_dimensions: list[str], dimension: str
) -> SettingResolution | None:
    for held_dimension in held_dimensions:
        for resolution in book.resolutions:
            if resolution.setting == setting and set(resolution.between) == {
                held_dimension,
                dimension,
            }:
                return resolution
    return None


def _decision(setting: str, held: _Held) -> SettingDecision:
    rules = tuple(f.id for f, _ in held.backing)
    if held.resolved_by:
        note = f"Set by {', '.join(rules)}; conflict resolved by {', '.join(held.resolved_by)}."
        return SettingDecision(
            setting=setting, value=held.value, basis="conflict", rules=rules, note=note
        )
    return SettingDecision(
        setting=setting,
        value=held.value,
        basis="rule",
        rules=rules,
        note=f"Set by {', '.join(rules)}.",
    )


def _facts(firings: list[Firing]) -> tuple[PatientFact, ...]:
    out: list[PatientFact] = []
    for firing in firings:
        for fact in firing.facts:
            if fact not in out:
                out.append(fact)
    return tuple(out)
