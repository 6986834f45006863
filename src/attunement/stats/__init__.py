"""Statistics shared by the evidence base and the reports: pure functions over plain numbers.

One module for every figure the product computes from data rather than reads from a paper,
each with its formula and reference in the docstring (in the manner of pingouin):

Effect sizes (:mod:`._effect_sizes`)
    :func:`pre_post_effect_size`, :func:`standardized_mean_change` — the standardized mean
    change with raw-score standardization and its interval (Becker 1988; Morris 2000), with
    :func:`hedges_correction` (Hedges 1981).
Conversions (:mod:`._conversions`)
    :func:`r_to_d`, :func:`d_to_r`, :func:`odds_ratio_to_d` — between the metrics the
    meta-analyses publish (Borenstein et al. 2009, ch. 7; Chinn 2000); :func:`as_d` puts
    any published metric on the d scale (the evidence base checks its figures with it and
    the rule engine ranks citations by it).
Intervals (:mod:`._intervals`)
    :func:`proportion` — a share with the Wilson (1927) score interval.
Running moments (:mod:`._moments`)
    :class:`PairedMoments` — the pre–post effect size of pairs read one at a time, in
    constant memory (Welford 1962; Chan, Golub & LeVeque 1983).

Reliable and clinically significant change live with monitoring (``attunement.monitoring``),
whose rules they serve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.stats._conversions import as_d, d_to_r, odds_ratio_to_d, r_to_d
    from attunement.stats._effect_sizes import (
        InsufficientData,
        InsufficientKind,
        StandardizedMeanChange,
        hedges_correction,
        pre_post_effect_size,
        standardized_mean_change,
    )
    from attunement.stats._intervals import Proportion, proportion
    from attunement.stats._moments import PairedMoments

__all__ = [
    "InsufficientData",
    "InsufficientKind",
    "PairedMoments",
    "Proportion",
    "StandardizedMeanChange",
    "as_d",
    "d_to_r",
    "hedges_correction",
    "odds_ratio_to_d",
    "pre_post_effect_size",
    "proportion",
    "r_to_d",
    "standardized_mean_change",
]

#: The submodule that defines each name: the evidence base needs only the conversions at
#: start-up (no NumPy); the effect sizes load when a report computes one.
_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_conversions": ("as_d", "d_to_r", "odds_ratio_to_d", "r_to_d"),
    "_effect_sizes": (
        "InsufficientData",
        "InsufficientKind",
        "StandardizedMeanChange",
        "hedges_correction",
        "pre_post_effect_size",
        "standardized_mean_change",
    ),
    "_intervals": ("Proportion", "proportion"),
    "_moments": ("PairedMoments",),
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SUBMODULES)
