"""Cross-file checks of a rule book, run once at load time.

Single files are validated by their models; these checks need several files at once: rule
ids unique, assumptions and processes of change that exist, placeholders that are filled,
settings whose values exist, conflict resolutions between real dimensions, prompts for real
fields, risk tags from the risk policy's vocabulary (and every rule that proposes a setting
value suppressed while risk is open tagged with one), and — most important — every
evidence reference resolving to a finding in :mod:`attunement.evidence`.
"""

from __future__ import annotations

from collections.abc import Iterable

from attunement.errors import DefinitionError
from attunement.evidence import EvidenceBase
from attunement.profile import PREFERENCE_ASPECTS, PROFILE_FIELDS
from attunement.tailoring._citations import UnresolvedEvidence, cite
from attunement.tailoring._rulebook import SETTINGS, EvidenceRef, Rule, RuleBook
from attunement.tailoring._template import CONTEXT_SLOTS, PREFERENCE_SLOTS, placeholders

__all__ = ["check_rulebook"]

#: The values each single-valued setting may take (mirrors the Literal types of the plan).
SETTING_VALUES: dict[str, tuple[str, ...]] = {
    "directiveness": ("low", "moderate", "high"),
    "stance": ("nurturing_parent", "socratic_teacher", "experienced_coach", "consultant"),
    "focus": ("symptom_skill", "insight_interpersonal", "balanced"),
    "intensity": ("low", "moderate", "high"),
    "arousal": ("lower", "maintain", "raise"),
}


def check_rulebook(book: RuleBook, evidence: EvidenceBase, known_fields: Iterable[str]) -> None:
    """Raise DefinitionError for the first cross-file inconsistency."""
    _check_settings(book)
    _check_risk(book)
    seen: dict[str, str] = {}
    for index, rule in enumerate(book.rules):
        where = _rule_path(book, index)
        if rule.id in seen:
            raise DefinitionError(rule.file, f"{where}.id", f"{rule.id!r} also in {seen[rule.id]}")
        seen[rule.id] = rule.file
        _check_rule(book, rule, where, evidence)
    dimensions = {r.dimension for r in book.rules}
    for index, resolution in enumerate(book.resolutions):
        where = f"settings[{index}]"
        for dimension in resolution.between:
            if dimension not in dimensions:
                raise DefinitionError(
                    "conflicts.yaml", f"{where}.between", f"no rule file for {dimension!r}"
                )
        if (resolution.follow is None) == (resolution.value is None):
            raise DefinitionError("conflicts.yaml", where, "give exactly one of follow or value")
        if resolution.follow is not None and resolution.follow not in resolution.between:
            raise DefinitionError("conflicts.yaml", f"{where}.follow", "must be one of between")
        allowed = SETTING_VALUES[resolution.setting]
        if resolution.value is not None and resolution.value not in allowed:
            raise DefinitionError("conflicts.yaml", f"{where}.value", f"one of {allowed}")
        if isinstance(resolution.resolution, dict):
            reachable = _reachable(book, resolution.setting, resolution.follow, resolution.value)
            if set(resolution.resolution) != reachable:
                raise DefinitionError(
                    "conflicts.yaml",
                    f"{where}.resolution",
                    f"give a text for exactly the values it can choose: {sorted(reachable)}",
                )
        _check_refs(resolution.evidence, evidence, "conflicts.yaml", f"{where}.evidence", None)
    for index, tension in enumerate(book.tensions):
        where = f"tensions[{index}]"
        _check_refs(tension.evidence, evidence, "conflicts.yaml", f"{where}.evidence", None)
        _check_methods(book, tension.methods, "conflicts.yaml", f"{where}.methods")
    fields = set(known_fields)
    for index, prompt in enumerate(book.prompts):
        if prompt.field not in fields:
            raise DefinitionError(
                "assessment.yaml", f"prompts[{index}].field", f"unknown field {prompt.field!r}"
            )
        if prompt.element is not None and prompt.element not in evidence.ids:
            raise DefinitionError(
                "assessment.yaml", f"prompts[{index}].element", f"no element {prompt.element!r}"
            )


def _reachable(book: RuleBook, setting: str, follow: str | None, value: str | None) -> set[str]:
    if value is not None:
        return {value}
    proposals = (r.spec.sets.single().get(setting) for r in book.rules if r.dimension == follow)
    return {p for p in proposals if p is not None}


def _check_settings(book: RuleBook) -> None:
    if set(book.settings) != set(SETTINGS):
        raise DefinitionError("settings.yaml", "settings", f"exactly these settings: {SETTINGS}")
    for name, vocabulary in book.settings.items():
        if set(vocabulary.values) != set(SETTING_VALUES[name]):
            raise DefinitionError(
                "settings.yaml", f"settings.{name}.values", f"exactly {SETTING_VALUES[name]}"
            )
        if vocabulary.default is None and name != "stance":
            raise DefinitionError("settings.yaml", f"settings.{name}.default", "needs a default")
        if vocabulary.default is not None and vocabulary.default not in vocabulary.values:
            raise DefinitionError("settings.yaml", f"settings.{name}.default", "not a value")


def _check_risk(book: RuleBook) -> None:
    policy = book.risk
    for name, suppressed in policy.settings.items():
        if name not in SETTING_VALUES:
            raise DefinitionError("risk.yaml", f"settings.{name}", f"one of {SETTINGS}")
        allowed = SETTING_VALUES[name]
        for value in (*suppressed.excluded, suppressed.instead):
            if value not in allowed:
                raise DefinitionError(
                    "risk.yaml", f"settings.{name}", f"{value!r}: one of {allowed}"
                )
        if suppressed.instead in suppressed.excluded:
            raise DefinitionError("risk.yaml", f"settings.{name}.instead", "a value not excluded")
    for process in policy.processes_of_change:
        if process not in book.processes:
            raise DefinitionError(
                "risk.yaml", "processes_of_change", f"unknown process {process!r}"
            )
    for kind in policy.applies_to:
        if kind not in policy.safety:
            raise DefinitionError("risk.yaml", f"safety.{kind}", "a safety text for every kind")


def _check_methods(book: RuleBook, methods: Iterable[str], file: str, where: str) -> None:
    for method in methods:
        if method not in book.risk.methods:
            raise DefinitionError(
                file,
                where,
                f"unknown method {method!r}; risk.yaml knows {sorted(book.risk.methods)}",
            )


def _check_rule(book: RuleBook, rule: Rule, where: str, evidence: EvidenceBase) -> None:
    spec = rule.spec
    _check_methods(book, spec.methods, rule.file, f"{where}.methods")
    for name, value in spec.sets.single().items():
        suppressed = book.risk.settings.get(name)
        if suppressed is not None and value in suppressed.excluded and not spec.methods:
            raise DefinitionError(
                rule.file,
                f"{where}.methods",
                f"a rule that sets {name} {value!r} is suppressed while a risk event is open: "
                "tag it with the methods it uses (risk.yaml)",
            )
    for assumption in spec.assumptions:
        if assumption not in book.assumptions:
            raise DefinitionError(
                rule.file, f"{where}.assumptions", f"{assumption!r} is not declared in a rule file"
            )
    for process in spec.sets.processes_of_change:
        if process not in book.processes:
            raise DefinitionError(
                rule.file, f"{where}.sets.processes_of_change", f"unknown process {process!r}"
            )
    slots = set(PROFILE_FIELDS) | CONTEXT_SLOTS
    if rule.for_each_preference is not None:
        slots |= PREFERENCE_SLOTS
    texts = [spec.summary, spec.detail, *spec.do, *spec.avoid, *spec.behaviours]
    for text in texts:
        unknown = placeholders(text) - slots
        if unknown:
            raise DefinitionError(
                rule.file, where, f"unknown placeholder {{{sorted(unknown)[0]}}} in {text[:40]!r}"
            )
    aspects: tuple[str | None, ...] = (None,)
    if rule.for_each_preference is not None:
        aspects = rule.for_each_preference.aspect or tuple(PREFERENCE_ASPECTS)
    for aspect in aspects:
        _check_refs(spec.evidence, evidence, rule.file, f"{where}.evidence", aspect)


def _check_refs(
    refs: Iterable[EvidenceRef],
    evidence: EvidenceBase,
    file: str,
    where: str,
    aspect: str | None,
) -> None:
    for index, ref in enumerate(refs):
        if (ref.element is None) == (ref.caution is None):
            raise DefinitionError(
                file, f"{where}[{index}]", "give exactly one of element or caution"
            )
        try:
            cite(ref, evidence, aspect)
        except UnresolvedEvidence as error:
            raise DefinitionError(file, f"{where}[{index}]", str(error)) from None


def _rule_path(book: RuleBook, index: int) -> str:
    rule = book.rules[index]
    position = [r for r in book.rules[:index] if r.file == rule.file]
    return f"rules[{len(position)}]"
