"""Load and validate the packaged rule files (``tailoring/rules/*.yaml``).

The first problem raises :class:`~attunement.errors.DefinitionError` naming the file (with
the line where known), the dotted field and what is wrong: an unknown key, a condition on a
field or value the profile does not have, an evidence reference that selects no finding, a
setting value that does not exist, a placeholder nobody fills.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

from attunement._knowledge_cache import packaged
from attunement.errors import DefinitionError
from attunement.evidence import EvidenceBase, load_evidence
from attunement.knowledge import KnowledgeDocument, parse_knowledge, path_of, validate_part
from attunement.profile import DIMENSIONS, PROFILE_FIELDS
from attunement.tailoring._checks import check_rulebook
from attunement.tailoring._conditions import parse_condition, parse_preference_matcher
from attunement.tailoring._models import Assumption
from attunement.tailoring._rulebook import (
    AssessmentPrompt,
    RiskPolicy,
    Rule,
    RuleBook,
    RuleFileSpec,
    RuleSpec,
    SettingResolution,
    SettingVocabulary,
    Tension,
)

__all__ = ["build_rulebook", "load_rulebook"]

SPECIAL_FILES = ("settings.yaml", "conflicts.yaml", "assessment.yaml", "risk.yaml")


@functools.cache
def load_rulebook() -> RuleBook:
    """The packaged rules, validated against the profile vocabulary and the evidence base
    (kept across starts of the CLI: :mod:`attunement._knowledge_cache`)."""
    return packaged("rulebook", RuleBook, _load_packaged_rules)


def _load_packaged_rules() -> RuleBook:
    directory = resources.files("attunement.tailoring") / "rules"
    documents = {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in sorted(directory.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    }
    return build_rulebook(documents, load_evidence())


def build_rulebook(documents: Mapping[str, str], evidence: EvidenceBase) -> RuleBook:
    """Build a rule book from file name → YAML text (used by the loader and by tests).

    Raises
    ------
    DefinitionError
        The first problem, naming the file, the line where it can be found and the field.
    """
    for required in SPECIAL_FILES:
        if required not in documents:
            raise DefinitionError(required, "(file)", "this rule file is missing")
    parsed = {name: parse_knowledge(text, name) for name, text in documents.items()}
    try:
        return _build(parsed, evidence)
    except DefinitionError as error:
        if error.line is not None or error.source not in parsed:
            raise
        line = parsed[error.source].line(path_of(error.field))
        raise DefinitionError(error.source, error.field, error.problem, line) from None


def _build(parsed: Mapping[str, KnowledgeDocument], evidence: EvidenceBase) -> RuleBook:
    risk = validate_part(RiskPolicy, parsed["risk.yaml"].data, parsed["risk.yaml"])
    settings_file = parsed["settings.yaml"]
    settings_doc = settings_file.data
    _keys(settings_doc, "settings.yaml", "", {"settings", "processes_of_change", "disclaimer"})
    settings = {
        name: validate_part(SettingVocabulary, raw, settings_file, f"settings.{name}")
        for name, raw in _mapping(settings_doc, "settings", "settings.yaml").items()
    }
    processes = _mapping(settings_doc, "processes_of_change", "settings.yaml")
    disclaimer = settings_doc.get("disclaimer")

    rules: list[Rule] = []
    assumptions: dict[str, Assumption] = {}
    for name, document in parsed.items():
        if name in SPECIAL_FILES:
            continue
        header = {k: v for k, v in document.data.items() if k != "rules"}
        spec = validate_part(RuleFileSpec, header, document)
        for assumption in spec.assumptions:
            assumptions[assumption.id] = assumption
        raw_rules = document.data.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise DefinitionError(name, "rules", "a non-empty list of rules")
        for index, raw in enumerate(raw_rules):
            rules.append(_rule(raw, document, f"rules[{index}]", spec))

    conflicts_file = parsed["conflicts.yaml"]
    conflicts = conflicts_file.data
    _keys(conflicts, "conflicts.yaml", "", {"settings", "tensions"})
    resolutions = tuple(
        validate_part(SettingResolution, raw, conflicts_file, f"settings[{i}]")
        for i, raw in enumerate(_list(conflicts, "settings", "conflicts.yaml"))
    )
    tensions = tuple(
        _tension(raw, conflicts_file, f"tensions[{i}]")
        for i, raw in enumerate(_list(conflicts, "tensions", "conflicts.yaml"))
    )
    assessment_file = parsed["assessment.yaml"]
    _keys(assessment_file.data, "assessment.yaml", "", {"prompts"})
    prompts = tuple(
        validate_part(AssessmentPrompt, raw, assessment_file, f"prompts[{i}]")
        for i, raw in enumerate(_list(assessment_file.data, "prompts", "assessment.yaml"))
    )
    book = validate_part(
        RuleBook,
        {
            "rules": tuple(rules),
            "resolutions": resolutions,
            "tensions": tensions,
            "prompts": prompts,
            "settings": settings,
            "processes": processes,
            "assumptions": assumptions,
            "disclaimer": disclaimer,
            "risk": risk,
        },
        settings_file,
    )
    check_rulebook(book, evidence, known_fields=(*DIMENSIONS, *PROFILE_FIELDS))
    return book


def _rule(raw: Any, document: KnowledgeDocument, path: str, header: RuleFileSpec) -> Rule:
    file = document.name
    if not isinstance(raw, Mapping):
        raise DefinitionError(file, path, "a rule is a mapping")
    when = parse_condition(raw.get("when", "always"), file, f"{path}.when")
    matcher = None
    if "for_each_preference" in raw:
        matcher = parse_preference_matcher(
            raw["for_each_preference"], file, f"{path}.for_each_preference"
        )
    body = {k: v for k, v in raw.items() if k not in ("when", "for_each_preference")}
    spec = validate_part(RuleSpec, body, document, path)
    return Rule(
        spec=spec,
        file=file,
        dimension=header.dimension,
        foundation=header.foundation,
        when=when,
        for_each_preference=matcher,
    )


def _tension(raw: Any, document: KnowledgeDocument, path: str) -> Tension:
    if not isinstance(raw, Mapping) or "when" not in raw:
        raise DefinitionError(document.name, f"{path}.when", "a tension needs a condition")
    when = parse_condition(raw["when"], document.name, f"{path}.when")
    body = {k: v for k, v in raw.items() if k != "when"}
    return validate_part(Tension, {**body, "when": when}, document, path)


# --------------------------------------------------------------------------- helpers


def _keys(doc: Mapping[str, Any], file: str, path: str, allowed: set[str]) -> None:
    for key in doc:
        if key not in allowed:
            raise DefinitionError(file, f"{path}{key}", f"unknown key; allowed: {sorted(allowed)}")


def _mapping(doc: Mapping[str, Any], key: str, file: str) -> dict[str, Any]:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise DefinitionError(file, key, "a mapping")
    return value


def _list(doc: Mapping[str, Any], key: str, file: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise DefinitionError(file, key, "a list")
    return value
