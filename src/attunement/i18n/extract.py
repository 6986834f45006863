"""A Babel extractor for the texts a person reads in the knowledge files (``babel.cfg``).

Clinical knowledge is data (README, "Translations"): the English text of a support prompt, a
repair option, an end reason, a rule's advice or a band label stays beside the rest of its
definition in YAML, and it is the message id of its translations. :data:`KNOWLEDGE_TEXTS` says,
for each family of files, which fields a person reads; ``pybabel extract`` calls
:func:`extract_knowledge_texts` on every YAML file of the package and puts each such text,
with its file, line and a translator comment naming the field, in the catalogue template.
Citations, sources and notes for maintainers are never listed: they stay English and out of
the catalogue (an assumption's statement and reasoning are listed: the plan shows them; so is
a figure's ``shown_assumption``, which the outer limit's basis and the alliance limits' bases
show, and never a figure's
``assumption``, which is a note for maintainers: the field's name says which it is).

A file matches the first family whose glob fits it, so a family of one file comes before the
family of its folder.

A field path is read left to right: a key, ``*`` (any key of a mapping), ``[]`` (any item of
a list) or ``**`` (any number of levels).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import yaml

__all__ = [
    "KNOWLEDGE_TEXTS",
    "KnowledgeTexts",
    "extract_knowledge_texts",
    "knowledge_texts",
    "texts_of",
]


@dataclass(frozen=True)
class KnowledgeTexts:
    """One family of knowledge files and the fields of it that a person reads."""

    #: the family's name in translator comments ("support prompt")
    family: str
    #: the files, a glob from the package folder (``attunement/…``)
    files: str
    #: the field paths (module docstring) whose text is shown
    fields: tuple[str, ...]


#: Every family of knowledge files with person-facing text (crisis resources are written per
#: language in their own file, instrument items and options too: neither is listed).
KNOWLEDGE_TEXTS: tuple[KnowledgeTexts, ...] = (
    KnowledgeTexts(
        "instrument band", "attunement/instruments/definitions/*.yaml", ("**.bands.levels[].label",)
    ),
    KnowledgeTexts(
        "support prompt",
        "attunement/monitoring/support_prompts/*.yaml",
        ("title", "prompt", "questions[]", "profile_updates[].reason"),
    ),
    KnowledgeTexts(
        "alliance feedback rule",
        "attunement/monitoring/feedback_rules/alliance.yaml",
        ("markers.*.label", "repairs[].text", "**.shown_assumption"),
    ),
    KnowledgeTexts(
        "dropout indicator",
        "attunement/monitoring/feedback_rules/dropout.yaml",
        ("indicators.*.title", "indicators.*.message"),
    ),
    KnowledgeTexts(  # a figure's basis read on the outer limit (its ``assumption``: not)
        "outcome alert limit",
        "attunement/monitoring/feedback_rules/outcome_alerts.yaml",
        ("**.shown_assumption",),
    ),
    KnowledgeTexts(
        "end reason",
        "attunement/monitoring/end_reasons.yaml",
        ("reasons.*.label", "reasons.*.definition"),
    ),
    KnowledgeTexts(
        "risk response",
        "attunement/risk/responses.yaml",
        ("caveat", "levels.*.label", "actions.*.label", "kinds.*.label"),
    ),
    KnowledgeTexts(
        "plan conflict",
        "attunement/tailoring/rules/conflicts.yaml",
        (
            "settings[].resolution.*",
            "settings[].reason",
            "tensions[].resolution",
            "tensions[].reason",
        ),
    ),
    KnowledgeTexts(
        "plan setting",
        "attunement/tailoring/rules/settings.yaml",
        (
            "settings.*.label",
            "settings.*.explanation",
            "settings.*.values.*",
            "settings.*.default_reason",
            "processes_of_change.*",
            "disclaimer",
        ),
    ),
    KnowledgeTexts(
        "assessment prompt",
        "attunement/tailoring/rules/assessment.yaml",
        ("prompts[].question", "prompts[].why"),
    ),
    KnowledgeTexts(
        "risk rule",
        "attunement/tailoring/rules/risk.yaml",
        (
            "methods.*",
            "settings.*.resolution",
            "reason",
            "assumption.statement",
            "assumption.reasoning",
            "safety.*.summary",
            "safety.*.detail",
            "safety.*.do[]",
            "safety.*.avoid[]",
        ),
    ),
    KnowledgeTexts(
        "tailoring rule",
        "attunement/tailoring/rules/*.yaml",
        (
            "description",
            "rules[].summary",
            "rules[].detail",
            "rules[].do[]",
            "rules[].avoid[]",
            "rules[].behaviours[]",
            "rules[].evidence[].why",
            "assumptions[].statement",
            "assumptions[].reasoning",
        ),
    ),
    KnowledgeTexts(  # the one threshold reason ``attune learn report`` shows
        "learning threshold",
        "attunement/learning/learning.yaml",
        ("minimum_therapist_episodes.reason",),
    ),
    KnowledgeTexts(
        "benchmark",
        "attunement/evidence/data/benchmarks.yaml",
        ("benchmarks[].name", "benchmarks[].description"),
    ),
    KnowledgeTexts(
        "outcome benchmark",
        "attunement/evidence/data/outcome_benchmarks.yaml",
        ("benchmarks[].label", "benchmarks[].k_note", "benchmarks[].caveat"),
    ),
    KnowledgeTexts(
        "matching caution",
        "attunement/evidence/data/not_for_routine_matching.yaml",
        ("characteristics[].name", "characteristics[].condition"),
    ),
    KnowledgeTexts(
        "evidence element",
        "attunement/evidence/data/*.yaml",
        (
            "name",
            "definition",
            "recommendations[]",
            "verdicts[].verdict",
            "findings[].scope",
            "findings[].outcome",
            "findings[].k_text",
            "findings[].n_text",
            "narrative[].summary",
            "narrative[].k_text",
        ),
    ),
)


def texts_of(filename: str | None) -> KnowledgeTexts | None:
    """The family of the knowledge file at ``filename`` (any prefix before ``attunement/``)."""
    if not filename:
        return None
    path = PurePath(filename).as_posix()
    return next((entry for entry in KNOWLEDGE_TEXTS if PurePath(path).match(entry.files)), None)


def _split(field: str) -> tuple[str, ...]:
    return tuple(part for part in field.replace("[]", ".[]").split(".") if part)


def _matches(pattern: Sequence[str], path: Sequence[str]) -> bool:
    """``path`` (keys and ``[]``) fits ``pattern`` (keys, ``*``, ``[]``, ``**``)."""
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_matches(rest, path[start:]) for start in range(len(path) + 1))
    if not path:
        return False
    fits = head == path[0] or (head == "*" and path[0] != "[]")
    return fits and _matches(rest, path[1:])


def _scalars(node: yaml.Node, path: tuple[str, ...] = ()) -> Iterator[tuple[str, yaml.Node]]:
    """(dotted path, node) of every scalar under ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield from _scalars(value, (*path, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item, (*path, "[]"))
    elif isinstance(node, yaml.ScalarNode):
        yield ".".join(path).replace(".[]", "[]"), node


def knowledge_texts(source: str, entry: KnowledgeTexts) -> Iterator[tuple[int, str, str]]:
    """(line, field path, text) of every person-facing text of ``entry`` in ``source``.

    The text is the value the loaders read (folded and block scalars as YAML folds them):
    composing and constructing each scalar node gives the same string as ``yaml.safe_load``.
    """
    root = yaml.compose(source, Loader=yaml.SafeLoader)
    if root is None:
        return
    patterns = [_split(field) for field in entry.fields]
    constructor = yaml.SafeLoader("")
    for path, node in _scalars(root):
        if any(_matches(pattern, _split(path)) for pattern in patterns):
            text = constructor.construct_object(node)
            if isinstance(text, str) and text.strip():
                yield node.start_mark.line + 1, path, text


def extract_knowledge_texts(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extraction-method signature: ``(line, funcname, message, comments)``.

    A YAML file of no family in :data:`KNOWLEDGE_TEXTS` gives nothing.
    """
    del keywords, comment_tags  # a data file has no calls or comments to read
    entry = texts_of(getattr(fileobj, "name", None))
    if entry is None:
        return
    source = fileobj.read().decode(str(options.get("encoding", "utf-8")))
    for line, path, text in knowledge_texts(source, entry):
        yield line, "", text, [f"{entry.family}: {path}"]
