"""The words for the practice-based learning's values: outcomes, benchmark relations, the
method of a predicted course and a calibration group (issue 16).

Which outcomes, relations, methods and groups exist is decided in :mod:`attunement.learning`
(``OUTCOMES``, ``Method``, the ``attribute=value`` group of a calibration row) and
:mod:`attunement.evidence` (``BenchmarkComparison.relation``); this module only names them,
once, so ``attune learn report`` and ``attune predict`` show "Reliably improved" and
"Language: Spanish", never ``reliable_improvement`` or ``language=es``. The labels are gettext
message ids; the ``*_words`` functions return them in the reader's language.
"""

from __future__ import annotations

from typing import Final

from attunement.i18n import N_, translate
from attunement.wording._demographics import age_band_label, sex_label
from attunement.wording._labels import language_name, value_words

__all__ = [
    "COURSE_METHOD_LABELS",
    "LEARNING_OUTCOME_LABELS",
    "RELATION_LABELS",
    "calibration_group_words",
    "course_method_words",
    "learning_outcome_words",
    "relation_words",
]

#: The yes/no outcomes of therapist feedback (``attunement.learning.OUTCOMES``).
LEARNING_OUTCOME_LABELS: Final[dict[str, str]] = {
    "reliable_improvement": N_("Reliably improved"),
    "recovery": N_("Recovered"),
    "deterioration": N_("Deteriorated"),
    "dropout": N_("Dropped out"),
}
#: Where the clinic lies relative to a published benchmark (``BenchmarkComparison.relation``).
RELATION_LABELS: Final[dict[str, str]] = {
    "above": N_("above"),
    "below": N_("below"),
    "within": N_("within"),
    "overlapping": N_("overlapping"),
    "not_available": N_("not available"),
}
#: How a point of the personalised course was predicted (``attunement.learning`` ``Method``).
COURSE_METHOD_LABELS: Final[dict[str, str]] = {
    "neighbours": N_("from similar episodes"),
    "empirical": N_("fitted growth model"),
    "rational": N_("rational model"),
}


def _named(labels: dict[str, str], value: str, language: str) -> str:
    """A value by its label in ``language``; an unlisted value in words, never as an id."""
    label = labels.get(value)
    return translate(label, language) if label is not None else value_words(value)


def learning_outcome_words(outcome: str, language: str) -> str:
    """``reliable_improvement`` → "Reliably improved" in ``language``."""
    return _named(LEARNING_OUTCOME_LABELS, outcome, language)


def relation_words(relation: str, language: str) -> str:
    """``not_available`` → "not available" in ``language``."""
    return _named(RELATION_LABELS, relation, language)


def course_method_words(method: str, language: str) -> str:
    """``empirical`` → "fitted growth model" in ``language``."""
    return _named(COURSE_METHOD_LABELS, method, language)


def calibration_group_words(group: str, language: str) -> str:
    """A calibration row's group in words: ``all`` → "All episodes", ``language=es`` →
    "Language: Spanish", ``sex=female`` → "Sex: Female", ``age_band=18-25`` → "Age band:
    18 to 25 years" — each value through its own label, in ``language``."""
    if group == "all":
        return translate(N_("All episodes"), language)
    attribute, _, value = group.partition("=")
    if attribute == "language":
        return translate(
            N_("Language: %(language)s"), language, language=language_name(value, language)
        )
    if attribute == "sex":
        return translate(N_("Sex: %(sex)s"), language, sex=translate(sex_label(value), language))
    if attribute == "age_band":
        band = translate(age_band_label(value), language)
        return translate(N_("Age band: %(band)s"), language, band=band)
    return value_words(f"{attribute}: {value}" if value else attribute).capitalize()
