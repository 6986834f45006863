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

from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from attunement import tailoring  # loads its names on first use: a status needs no rules
from attunement.i18n import SOURCE_LANGUAGE, Catalogue, default_catalogue
from attunement.wording._plan_assumptions import assumption_in
from attunement.wording._plan_values import caution_name_in, values_filled_in
from attunement.wording._worded import alert_said, said, said_all

if TYPE_CHECKING:
    from attunement.evidence import OutcomeBenchmark
    from attunement.monitoring import AllianceStatus, EndReasons, ProfileUpdate, Status
    from attunement.risk import ResponseVocabulary
    from attunement.tailoring import (
        EvidenceCitation,
        PatientFact,
        Plan,
        PlanConflict,
        Recommendation,
        Rule,
        SafetyFirst,
    )

__all__ = [
    "end_reasons_in",
    "outcome_benchmarks_in",
    "plan_in",
    "response_vocabulary_in",
    "status_in",
]


class _Words:
    """The texts of one language from one catalogue (the package's unless a test's)."""

    def __init__(self, language: str, catalogue: Catalogue | None) -> None:
        self.language = language
        self._catalogue = catalogue or default_catalogue()

    def __call__(self, text: str) -> str:
        return self._catalogue.knowledge_text(text, self.language)

    def sentence(self, template: str, /, **values: str) -> str:
        """A gettext ``template`` (a sentence of the code) filled with ``values``."""
        return self._catalogue.translate(template, self.language, **values)

    def all(self, texts: Iterable[str]) -> tuple[str, ...]:
        return tuple(self(text) for text in texts)


def status_in(status: Status, language: str, catalogue: Catalogue | None = None) -> Status:
    """``status`` with its alert reason, expected band's basis and outer limit's basis, the
    basis of its reliable-change threshold, the bases of its alliance limits,
    notes, support prompts (and the facts they give: an open risk event, a profile fact; the
    current value of a dimension they suggest re-assessing),
    rupture markers, repair options, alliance alerts and dropout indicators (and their facts)
    in ``language``, their figures written as ``language`` writes numbers; a sentence stored
    without its message id stays as stored, a figure stored written as written."""
    if language == SOURCE_LANGUAGE:
        return status
    words = _Words(language, catalogue)
    prompts = tuple(
        p.model_copy(
            update={
                "title": words(p.title),
                "prompt": words(p.prompt),
                "questions": words.all(p.questions),
                "because": said_all(p.because, p.because_worded, words),
                "profile_updates": tuple(_update_in(u, words) for u in p.profile_updates),
            }
        )
        for p in status.support_prompts
    )
    dropout = tuple(
        d.model_copy(
            update={
                "title": words(d.title),
                "message": words(d.message),
                "facts": said_all(d.facts, d.facts_worded, words),
            }
        )
        for d in status.dropout_risks
    )
    alliance = status.alliance
    if alliance is not None:
        alliance = alliance.model_copy(
            update={
                "markers": tuple(
                    m.model_copy(update={"label": words(m.label)}) for m in alliance.markers
                ),
                "repair_options": tuple(
                    r.model_copy(update={"text": words(r.text)}) for r in alliance.repair_options
                ),
                "alerts": tuple(alert_said(a, words) for a in alliance.alerts),
                **_alliance_bases(alliance, words),
            }
        )
    worded, expected = status.alert_reason_worded, status.expected
    if expected is not None:
        basis, outer = expected.basis_worded, expected.outer_basis_worded
        update = {
            "basis": expected.basis if basis is None else said(basis, words),
            "outer_basis": expected.outer_basis if outer is None else said(outer, words),
        }
        expected = expected.model_copy(update=update)
    norms, rci = status.norms, status.norms.reliable_change_basis_worded
    if rci is not None:
        norms = norms.model_copy(update={"reliable_change_basis": said(rci, words)})
    return status.model_copy(
        update={
            "expected": expected,
            "norms": norms,
            "alert_reason": status.alert_reason if worded is None else said(worded, words),
            "notes": said_all(status.notes, status.notes_worded, words),
            "support_prompts": prompts,
            "dropout_risks": dropout,
            "alliance": alliance,
        }
    )


def _alliance_bases(alliance: AllianceStatus, words: _Words) -> dict[str, str | None]:
    """The bases of an alliance status's threshold, drop bound and noise floor in the
    language of ``words``; a basis stored without its sentence stays as stored."""
    pairs = {
        "threshold_basis": (alliance.threshold_basis, alliance.threshold_basis_worded),
        "drop_basis": (alliance.drop_basis, alliance.drop_basis_worded),
        "noise_basis": (alliance.noise_basis, alliance.noise_basis_worded),
    }
    return {
        name: stored if sentence is None else said(sentence, words)
        for name, (stored, sentence) in pairs.items()
    }


def _update_in(update: ProfileUpdate, words: _Words) -> ProfileUpdate:
    """A suggested profile update's reason and the dimension's current value in the language
    of ``words`` (a value stored without its words stays as stored)."""
    worded = update.current_worded
    current = update.current if worded is None else said(worded, words)
    return update.model_copy(update={"reason": words(update.reason), "current": current})


def _maybe(text: str | None, words: _Words) -> str | None:
    return None if text is None else words(text)


def _cited(evidence: Iterable[EvidenceCitation], words: _Words) -> tuple[EvidenceCitation, ...]:
    return tuple(
        e.model_copy(
            update={
                "element_name": caution_name_in(e, words),
                "verdict": words(e.verdict),
                "why": _maybe(e.why, words),
                "scope": _maybe(e.scope, words),
                "outcome": _maybe(e.outcome, words),
                "k_text": _maybe(e.k_text, words),
                "n_text": _maybe(e.n_text, words),
                # a narrative finding's summary or a matching caution's condition; a
                # quoted claim has no translation and stays as the source words it
                "statement": _maybe(e.statement, words),
            }
        )
        for e in evidence
    )


def _advice(item: Recommendation | SafetyFirst, words: _Words) -> dict[str, object]:
    return {
        "summary": words(item.summary),
        "detail": words(item.detail),
        "do": words.all(item.do),
        "avoid": words.all(item.avoid),
    }


@cache
def _rules() -> Mapping[str, Rule]:
    return {rule.id: rule for rule in tailoring.load_rulebook().rules}


def _filled_in(
    template: str, shown: str, words: _Words, because: tuple[PatientFact, ...] = ()
) -> str:
    """``shown`` (a rule ``template`` filled with patient values) in the language of
    ``words``: the template's translation with the same values, in that language where a
    fact of ``because`` explains them (``_plan_values.values_filled_in``)."""
    if shown == template:
        return words(shown)
    refilled = values_filled_in(template, shown, words(template), because, words.language)
    return words(shown) if refilled is None else refilled


def _recommendation(item: Recommendation, words: _Words) -> Recommendation:
    rule = _rules().get(item.rule)
    if rule is None:  # not a packaged rule: each text as it is
        update = {**_advice(item, words), "behaviours": words.all(item.behaviours)}
    else:
        because = item.because

        def each(templates: tuple[str, ...], shown: tuple[str, ...]) -> tuple[str, ...]:
            if len(templates) != len(shown):
                return words.all(shown)
            pairs = zip(templates, shown, strict=True)
            return tuple(_filled_in(t, s, words, because) for t, s in pairs)

        update = {
            "summary": _filled_in(rule.spec.summary, item.summary, words, because),
            "detail": _filled_in(rule.spec.detail, item.detail, words, because),
            "do": each(rule.spec.do, item.do),
            "avoid": each(rule.spec.avoid, item.avoid),
            "behaviours": each(rule.spec.behaviours, item.behaviours),
        }
    return item.model_copy(update={**update, "evidence": _cited(item.evidence, words)})


def _conflict(conflict: PlanConflict, words: _Words) -> PlanConflict:
    """A conflict's resolution, reason and evidence in the language of ``words``; one that
    held a text back while a risk event is open is written again from its parts."""
    resolution, reason = words(conflict.resolution), words(conflict.reason)
    if conflict.held is not None:
        resolution = words.sentence(tailoring.HELD_BACK, what=words(conflict.held))
        reason = words.sentence(
            tailoring.HELD_BECAUSE,
            methods="; ".join(words.all(conflict.methods)),
            reason=words(tailoring.load_rulebook().risk.reason),
        )
    return conflict.model_copy(
        update={
            "resolution": resolution,
            "reason": reason,
            "evidence": _cited(conflict.evidence, words),
        }
    )


def plan_in(plan: Plan, language: str, catalogue: Catalogue | None = None) -> Plan:
    """``plan`` in ``language``: the rules' advice (summary, detail, do, avoid, behaviours),
    the evidence it cites (names, verdicts, what a figure is about, why it is cited), the
    settings' notes, the conflicts' resolutions and reasons, what to assess and why, the
    assumptions and the disclaimer."""
    if language == SOURCE_LANGUAGE:
        return plan
    words = _Words(language, catalogue)
    return plan.model_copy(
        update={
            "safety": tuple(s.model_copy(update=_advice(s, words)) for s in plan.safety),
            "foundations": tuple(_recommendation(r, words) for r in plan.foundations),
            "recommendations": tuple(_recommendation(r, words) for r in plan.recommendations),
            "settings": tuple(d.model_copy(update={"note": words(d.note)}) for d in plan.settings),
            "conflicts": tuple(_conflict(c, words) for c in plan.conflicts),
            "not_assessed": tuple(
                n.model_copy(update={"question": words(n.question), "why": words(n.why)})
                for n in plan.not_assessed
            ),
            "assumptions": tuple(assumption_in(a, words) for a in plan.assumptions),
            "disclaimer": words(plan.disclaimer),
        }
    )


def end_reasons_in(
    reasons: EndReasons, language: str, catalogue: Catalogue | None = None
) -> EndReasons:
    """The end reasons with their labels and definitions in ``language`` (keys unchanged)."""
    if language == SOURCE_LANGUAGE:
        return reasons
    words = _Words(language, catalogue)
    return reasons.model_copy(
        update={
            "reasons": {
                key: reason.model_copy(
                    update={
                        "label": words(reason.label),
                        "definition": words(reason.definition),
                    }
                )
                for key, reason in reasons.reasons.items()
            }
        }
    )


def outcome_benchmarks_in(
    benchmarks: Iterable[OutcomeBenchmark], language: str, catalogue: Catalogue | None = None
) -> tuple[OutcomeBenchmark, ...]:
    """The published outcome benchmarks with their labels, their caveats and what their k
    counts (``k_note``) in ``language`` (figures and sources as published)."""
    if language == SOURCE_LANGUAGE:
        return tuple(benchmarks)
    words = _Words(language, catalogue)
    return tuple(
        b.model_copy(
            update={
                "label": words(b.label),
                "k_note": _maybe(b.k_note, words),
                "caveat": _maybe(b.caveat, words),
            }
        )
        for b in benchmarks
    )


def response_vocabulary_in(
    vocabulary: ResponseVocabulary, language: str, catalogue: Catalogue | None = None
) -> ResponseVocabulary:
    """The risk response vocabulary with its caveat and labels in ``language`` (the caveat's
    source stays as cited)."""
    if language == SOURCE_LANGUAGE:
        return vocabulary
    words = _Words(language, catalogue)

    def labelled(group: dict[str, Any]) -> dict[str, Any]:  # the vocabulary's terms
        return {
            key: term.model_copy(update={"label": words(term.label)}) for key, term in group.items()
        }

    return vocabulary.model_copy(
        update={
            "caveat": words(vocabulary.caveat),
            "levels": labelled(vocabulary.levels),
            "actions": labelled(vocabulary.actions),
            "kinds": labelled(vocabulary.kinds),
        }
    )
