"""The knowledge files' texts in the reader's language: one function per kind of text.

The core decides with, stores and returns the English texts of its knowledge files (a
Status keeps the support prompts, repair options and dropout indicators it chose; a Plan the
rules' advice and the evidence it cites); those texts are the message ids of the catalogue
(``attunement.i18n.extract``). An adapter passes what it is about to show through one of
these functions with the page's language — the Status, the Plan, the end reasons, the risk
response vocabulary — and every field a person reads comes back in that language, the rest
(ids, figures, sources) untouched. A text without a translation stays English.

Nothing is decided here and nothing is stored: this is presentation (README, "Translations").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from attunement.i18n import SOURCE_LANGUAGE, knowledge_text
from attunement.tailoring import load_rulebook
from attunement.tailoring._template import fill, placeholders

if TYPE_CHECKING:
    from attunement.monitoring import EndReasons, Status
    from attunement.risk import ResponseVocabulary
    from attunement.risk._vocabulary import Term
    from attunement.tailoring import Plan
    from attunement.tailoring._models import EvidenceCitation, Recommendation, SafetyFirst
    from attunement.tailoring._rulebook import RuleSpec

__all__ = ["end_reasons_in", "plan_in", "response_vocabulary_in", "status_in"]


def _all(texts: Iterable[str], language: str) -> tuple[str, ...]:
    return tuple(knowledge_text(text, language) for text in texts)


def status_in(status: Status, language: str) -> Status:
    """``status`` with its support prompts, rupture markers, repair options and dropout
    indicators in ``language``."""
    if language == SOURCE_LANGUAGE:
        return status
    prompts = tuple(
        p.model_copy(
            update={
                "title": knowledge_text(p.title, language),
                "prompt": knowledge_text(p.prompt, language),
                "questions": _all(p.questions, language),
                "profile_updates": tuple(
                    u.model_copy(update={"reason": knowledge_text(u.reason, language)})
                    for u in p.profile_updates
                ),
            }
        )
        for p in status.support_prompts
    )
    dropout = tuple(
        d.model_copy(
            update={
                "title": knowledge_text(d.title, language),
                "message": knowledge_text(d.message, language),
            }
        )
        for d in status.dropout_risks
    )
    alliance = status.alliance
    if alliance is not None:
        alliance = alliance.model_copy(
            update={
                "markers": tuple(
                    m.model_copy(update={"label": knowledge_text(m.label, language)})
                    for m in alliance.markers
                ),
                "repair_options": tuple(
                    r.model_copy(update={"text": knowledge_text(r.text, language)})
                    for r in alliance.repair_options
                ),
            }
        )
    return status.model_copy(
        update={"support_prompts": prompts, "dropout_risks": dropout, "alliance": alliance}
    )


def _cited(evidence: Iterable[EvidenceCitation], language: str) -> tuple[EvidenceCitation, ...]:
    return tuple(
        e.model_copy(
            update={
                "element_name": knowledge_text(e.element_name, language),
                "verdict": knowledge_text(e.verdict, language),
            }
        )
        for e in evidence
    )


def _advice(item: Recommendation | SafetyFirst, language: str) -> dict[str, object]:
    return {
        "summary": knowledge_text(item.summary, language),
        "detail": knowledge_text(item.detail, language),
        "do": _all(item.do, language),
        "avoid": _all(item.avoid, language),
    }


@cache
def _rule_specs() -> Mapping[str, RuleSpec]:
    return {rule.id: rule.spec for rule in load_rulebook().rules}


def _filled_in(template: str, shown: str, language: str) -> str:
    """``shown`` — a rule text ``template`` with its ``{slots}`` filled with patient values
    (``attunement.tailoring._template``) — in ``language``: the template's translation is
    filled with the same values, read back from ``shown`` (the message id is the template)."""
    if shown == template or not placeholders(template):
        return knowledge_text(shown, language)
    parts = re.split(r"\{([a-z_.]+)\}", template)  # text, slot, text, slot, …, text
    pattern = "".join(re.escape(p) if i % 2 == 0 else "(.*?)" for i, p in enumerate(parts))
    found = re.fullmatch(pattern, shown, flags=re.DOTALL)
    if found is None:
        return knowledge_text(shown, language)
    values = dict(zip(parts[1::2], found.groups(), strict=True))
    return fill(knowledge_text(template, language), values)


def _recommendation(item: Recommendation, language: str) -> Recommendation:
    spec = _rule_specs().get(item.rule)
    if spec is None:  # not a packaged rule: each text as it is
        update = {**_advice(item, language), "behaviours": _all(item.behaviours, language)}
    else:

        def each(templates: tuple[str, ...], shown: tuple[str, ...]) -> tuple[str, ...]:
            if len(templates) != len(shown):
                return _all(shown, language)
            return tuple(_filled_in(t, s, language) for t, s in zip(templates, shown, strict=True))

        update = {
            "summary": _filled_in(spec.summary, item.summary, language),
            "detail": _filled_in(spec.detail, item.detail, language),
            "do": each(spec.do, item.do),
            "avoid": each(spec.avoid, item.avoid),
            "behaviours": each(spec.behaviours, item.behaviours),
        }
    return item.model_copy(update={**update, "evidence": _cited(item.evidence, language)})


def plan_in(plan: Plan, language: str) -> Plan:
    """``plan`` with the rules' advice (summary, detail, do, avoid, behaviours) and the
    names and verdicts of the evidence it cites in ``language``."""
    if language == SOURCE_LANGUAGE:
        return plan
    return plan.model_copy(
        update={
            "safety": tuple(s.model_copy(update=_advice(s, language)) for s in plan.safety),
            "foundations": tuple(_recommendation(r, language) for r in plan.foundations),
            "recommendations": tuple(_recommendation(r, language) for r in plan.recommendations),
            "conflicts": tuple(
                c.model_copy(update={"evidence": _cited(c.evidence, language)})
                for c in plan.conflicts
            ),
        }
    )


def end_reasons_in(reasons: EndReasons, language: str) -> EndReasons:
    """The end reasons with their labels and definitions in ``language`` (keys unchanged)."""
    if language == SOURCE_LANGUAGE:
        return reasons
    return reasons.model_copy(
        update={
            "reasons": {
                key: reason.model_copy(
                    update={
                        "label": knowledge_text(reason.label, language),
                        "definition": knowledge_text(reason.definition, language),
                    }
                )
                for key, reason in reasons.reasons.items()
            }
        }
    )


def response_vocabulary_in(words: ResponseVocabulary, language: str) -> ResponseVocabulary:
    """The risk response vocabulary with its caveat and labels in ``language`` (the caveat's
    source stays as cited)."""
    if language == SOURCE_LANGUAGE:
        return words

    def labelled(group: dict[str, Term]) -> dict[str, Term]:
        return {
            key: term.model_copy(update={"label": knowledge_text(term.label, language)})
            for key, term in group.items()
        }

    return words.model_copy(
        update={
            "caveat": knowledge_text(words.caveat, language),
            "levels": labelled(words.levels),
            "actions": labelled(words.actions),
            "kinds": labelled(words.kinds),
        }
    )
