"""Load and validate the packaged rule files (``tailoring/rules/*.yaml``).

The first problem raises :class:`~attunement.errors.DefinitionError` naming the file (with
the line where known), the dotted field and what is wrong: an unknown key, a condition on a
field or value the profile does not have, an evidence reference that selects no finding, a
setting value that does not exist, a placeholder nobody fills.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from attunement.errors import DefinitionError
from attunement.evidence import EvidenceBase, load_evidence
from attunement.knowledge import validate_knowledge
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

__all__ = ["RuleFileError", "build_rulebook", "load_rulebook"]

SPECIAL_FILES = ("settings.yaml", "conflicts.yaml", "assessment.yaml", "risk.yaml")
_M = TypeVar("_M", bound=BaseModel)


class RuleFileError(DefinitionError):
    """A rule file is invalid; ``source`` is the file name, ``line`` 1-based when known."""

    def __init__(self, file: str, field: str, problem: str, line: int | None = None) -> None:
        super().__init__(file if line is None else f"{file}:{line}", field, problem)
        self.source = file
        self.line = line


@functools.cache
def load_rulebook() -> RuleBook:
    """The packaged rules, validated against the profile vocabulary and the evidence base."""
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
    RuleFileError
        The first problem, naming the file, the line where it can be found and the field.
    """
    try:
        return _build(documents, evidence)
    except RuleFileError as error:
        if error.line is not None or error.source not in documents:
            raise
        line = _line_of(documents[error.source], error.field)
        raise RuleFileError(error.source, error.field, _problem(error), line) from None
    except DefinitionError as error:
        if "(line " in error.field:  # the knowledge loader already found the line
            raise RuleFileError(error.source, error.field, _problem(error)) from None
        line = _line_of(documents.get(error.source, ""), error.field)
        raise RuleFileError(error.source, error.field, _problem(error), line) from None


def _problem(error: DefinitionError) -> str:
    return error.message.split(": ", 2)[-1]


def _line_of(text: str, field: str) -> int | None:
    """The 1-based line of a dotted field (``rules[2].when.in``) in a YAML text."""
    try:
        node: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in re.findall(r"[^.\[\]]+", field):
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if str(k.value) == part), None)
            key = next((k for k, _ in node.value if str(k.value) == part), None)
            if match is None or key is None:
                break
            line, node = key.start_mark.line + 1, match
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _build(documents: Mapping[str, str], evidence: EvidenceBase) -> RuleBook:
    for required in SPECIAL_FILES:
        if required not in documents:
            raise RuleFileError(required, "(file)", "this rule file is missing")
    risk = validate_knowledge(RiskPolicy, documents["risk.yaml"], "risk.yaml")
    parsed = {name: _yaml(name, text) for name, text in documents.items() if name != "risk.yaml"}

    settings_doc = parsed["settings.yaml"]
    _keys(settings_doc, "settings.yaml", "", {"settings", "processes_of_change", "disclaimer"})
    settings = {
        name: _model(SettingVocabulary, raw, "settings.yaml", f"settings.{name}")
        for name, raw in _mapping(settings_doc, "settings", "settings.yaml").items()
    }
    processes = _mapping(settings_doc, "processes_of_change", "settings.yaml")
    disclaimer = settings_doc.get("disclaimer")

    rules: list[Rule] = []
    assumptions: dict[str, Assumption] = {}
    for name, document in parsed.items():
        if name in SPECIAL_FILES:
            continue
        header = {k: v for k, v in document.items() if k != "rules"}
        spec = _model(RuleFileSpec, header, name, "")
        for assumption in spec.assumptions:
            assumptions[assumption.id] = assumption
        raw_rules = document.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise RuleFileError(name, "rules", "a non-empty list of rules")
        for index, raw in enumerate(raw_rules):
            rules.append(_rule(raw, name, f"rules[{index}]", spec))

    conflicts = parsed["conflicts.yaml"]
    _keys(conflicts, "conflicts.yaml", "", {"settings", "tensions"})
    resolutions = tuple(
        _model(SettingResolution, raw, "conflicts.yaml", f"settings[{i}]")
        for i, raw in enumerate(_list(conflicts, "settings", "conflicts.yaml"))
    )
    tensions = tuple(
        _tension(raw, f"tensions[{i}]")
        for i, raw in enumerate(_list(conflicts, "tensions", "conflicts.yaml"))
    )
    assessment = parsed["assessment.yaml"]
    _keys(assessment, "assessment.yaml", "", {"prompts"})
    prompts = tuple(
        _model(AssessmentPrompt, raw, "assessment.yaml", f"prompts[{i}]")
        for i, raw in enumerate(_list(assessment, "prompts", "assessment.yaml"))
    )
    book = _model(
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
        "settings.yaml",
        "",
    )
    check_rulebook(book, evidence, known_fields=(*DIMENSIONS, *PROFILE_FIELDS))
    return book


def _rule(raw: Any, file: str, path: str, header: RuleFileSpec) -> Rule:
    if not isinstance(raw, Mapping):
        raise RuleFileError(file, path, "a rule is a mapping")
    when = parse_condition(raw.get("when", "always"), file, f"{path}.when")
    matcher = None
    if "for_each_preference" in raw:
        matcher = parse_preference_matcher(
            raw["for_each_preference"], file, f"{path}.for_each_preference"
        )
    body = {k: v for k, v in raw.items() if k not in ("when", "for_each_preference")}
    spec = _model(RuleSpec, body, file, path)
    return Rule(
        spec=spec,
        file=file,
        dimension=header.dimension,
        foundation=header.foundation,
        when=when,
        for_each_preference=matcher,
    )


def _tension(raw: Any, path: str) -> Tension:
    if not isinstance(raw, Mapping) or "when" not in raw:
        raise RuleFileError("conflicts.yaml", f"{path}.when", "a tension needs a condition")
    when = parse_condition(raw["when"], "conflicts.yaml", f"{path}.when")
    body = {k: v for k, v in raw.items() if k != "when"}
    return _model(Tension, {**body, "when": when}, "conflicts.yaml", path)


# --------------------------------------------------------------------------- helpers


def _yaml(name: str, text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        problem = getattr(error, "problem", None) or "syntax error"
        raise RuleFileError(name, "(file)", f"not valid YAML: {problem}", line) from None
    if not isinstance(data, dict):
        raise RuleFileError(name, "(file)", "expected a mapping at the top level")
    return data


def _model(model: type[_M], raw: Any, file: str, path: str) -> _M:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        field = f"{path}{loc}".lstrip(".") or "(file)"
        if first["type"] == "extra_forbidden":
            problem = f"unknown field; allowed: {', '.join(_allowed(model, first['loc']))}"
        elif first["type"] == "missing":
            problem = "required field is missing"
        else:
            problem = f"{first['msg']}; got {first.get('input')!r}"
        raise RuleFileError(file, field, problem) from None


def _allowed(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return list(model.model_fields)
        annotation = field.annotation
        for arg in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                current = arg
                break
    return list(getattr(current, "model_fields", model.model_fields))


def _keys(doc: Mapping[str, Any], file: str, path: str, allowed: set[str]) -> None:
    for key in doc:
        if key not in allowed:
            raise RuleFileError(file, f"{path}{key}", f"unknown key; allowed: {sorted(allowed)}")


def _mapping(doc: Mapping[str, Any], key: str, file: str) -> dict[str, Any]:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise RuleFileError(file, key, "a mapping")
    return value


def _list(doc: Mapping[str, Any], key: str, file: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise RuleFileError(file, key, "a list")
    return value
