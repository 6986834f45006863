"""The voice of the plan's brief: its language, Markdown or plain text, and the small
phrases every section of :mod:`attunement.wording._brief` words the same way (a fact, a
field's label, a setting's value, a conflict's options, the evidence cited)."""

from __future__ import annotations

from attunement.i18n import N_, SOURCE_LANGUAGE, knowledge_text, translate
from attunement.tailoring import (
    EvidenceCitation,
    PatientFact,
    Plan,
    PlanConflict,
    RuleBook,
    load_rulebook,
)
from attunement.wording._plan_words import cite_short, describe_fact, setting_value_words
from attunement.wording._profile_labels import field_label

__all__ = ["BriefVoice", "sentences"]


class BriefVoice:
    """One brief being written: the plan, the language, Markdown or plain text."""

    def __init__(self, plan: Plan, language: str, *, markdown: bool) -> None:
        self.plan = plan
        self.language = language
        self.markdown = markdown
        self.book: RuleBook = load_rulebook()

    def say(self, message: str, /, **values: object) -> str:
        """A sentence of the brief (a gettext message) in its language."""
        return translate(message, self.language, **values)

    def known(self, text: str) -> str:
        """A knowledge file's text (a setting's explanation) in the brief's language."""
        return text if self.language == SOURCE_LANGUAGE else knowledge_text(text, self.language)

    def lead(self, label: str, text: str) -> str:
        """``Consider: <text>``: a gettext label and the text it leads."""
        return f"{self.say(label)} {text}"

    def bold(self, text: str) -> str:
        return f"**{text}**" if self.markdown else text

    def h2(self, text: str) -> str:
        return f"## {text}" if self.markdown else text.upper()

    def fact(self, fact: PatientFact) -> str:
        return describe_fact(fact, self.language)

    def label(self, field: str) -> str:
        return field_label(field, self.language)

    def setting_value(self, value: str | None) -> str:
        if value is None:
            return self.say(N_("not set"))
        return setting_value_words(value, self.language)

    def options(self, conflict: PlanConflict) -> str:
        """``Directiveness: reactance -> low, stage of change -> high; chosen: low.``"""
        options = ", ".join(
            f"{self.label(o.dimension)} -> {self.setting_value(o.value)}" for o in conflict.options
        )
        setting = str(conflict.setting)
        vocabulary = self.book.settings.get(setting)
        name = self.known(vocabulary.label) if vocabulary else setting.replace("_", " ")
        return self.say(
            N_("%(setting)s: %(options)s; chosen: %(chosen)s."),
            setting=name[:1].upper() + name[1:],
            options=options or self.say(N_("not set")),
            chosen=self.setting_value(conflict.chosen),
        )

    def citations(self, citations: tuple[EvidenceCitation, ...]) -> str:
        parts = []
        for citation in citations:
            why = f" ({citation.why})" if citation.why else ""
            parts.append(f"{cite_short(citation, self.language)}{why}")
        return "; ".join(parts)


def sentences(texts: tuple[str, ...]) -> str:
    return " ".join(_sentence(t) for t in texts)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!", '"', ")")) else f"{text}."
