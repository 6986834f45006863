"""The clinic report's pre–post effect size in words, in the reader's language (issue 16).

:mod:`attunement.stats` stays language-free: it names its estimator (``measure``, metafor's
``SMCR``) and, when it cannot compute one, why as a fact (``InsufficientData.kind``). This
module words both: the estimator's formula with its confidence level, and the reason the
effect size was not computed.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import TYPE_CHECKING, Final

from attunement.i18n import N_, SOURCE_LANGUAGE, translate
from attunement.wording._numbers import format_number

if TYPE_CHECKING:
    from attunement.stats import InsufficientData, StandardizedMeanChange

__all__ = ["effect_size_formula_words", "effect_size_missing_words"]

#: The formula of each estimator ``stats`` computes (its module docstring derives it).
_FORMULAS: Final = {
    "SMCR": N_(
        "d = J(n−1)·(M_pre − M_post)/SD_pre; v = 2(1−r)/n + d²/(2n); %(level)s%% CI = d ± "
        "%(z)s·√v (standardized mean change, raw-score standardization: Becker 1988; "
        "Morris 2000)"
    ),
}
_TOO_FEW_PAIRS: Final = N_(
    "%(n)s episode(s) with an intake and a later score; the effect size needs 3 or more"
)
_CONSTANT_INTAKE: Final = N_(
    "the intake scores do not vary (all equal), so there is no SD to standardize by"
)


def effect_size_formula_words(
    effect: StandardizedMeanChange, language: str = SOURCE_LANGUAGE
) -> str:
    """ "d = J(n−1)·(M_pre − M_post)/SD_pre; …; 95% CI = d ± 1.96·√v (…)" in ``language``,
    at the effect's own confidence level."""
    z = NormalDist().inv_cdf(0.5 + effect.confidence / 2)
    level = format_number(effect.confidence * 100, 0)
    return translate(_FORMULAS[effect.measure], language, level=level, z=format_number(z, 2))


def effect_size_missing_words(error: InsufficientData, language: str = SOURCE_LANGUAGE) -> str:
    """Why the effect size was not computed, in ``language``; a reason ``stats`` gives no
    kind for as its message says it."""
    if error.kind == "too_few_pairs":
        return translate(_TOO_FEW_PAIRS, language, n=str(error.value))
    if error.kind == "constant_intake":
        return translate(_CONSTANT_INTAKE, language)
    return error.message
