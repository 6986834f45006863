"""Reliable and clinically significant change (Jacobson & Truax 1991).

References
----------
Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to
defining meaningful change in psychotherapy research. *J Consult Clin Psychol* 59(1), 12–19.
Christensen, L., & Mendoza, J. L. (1986). A method of assessing change in a single subject:
an alteration of the RC index. *Behavior Therapy* 17, 305–308 (the √2 in S_diff).

Policy for the reliable-change threshold (``policy=``)
------------------------------------------------------
``"prefer_published"`` (default): when the instrument has a published RCI in raw points
(e.g. CORE-10: 6, Barkham 2013), a change is reliable when ``|x₂ − x₁| >= published_rci``;
otherwise the Jacobson–Truax rule ``|RC| > z`` is used. ``"jacobson_truax"``: always the
computed rule (needs ``sd`` and ``reliability``). The result says which rule decided.
"""

from __future__ import annotations

import math

from attunement.errors import InputError
from attunement.monitoring._models import (
    ChangeNorms,
    Direction,
    NormsLike,
)
from attunement.monitoring._results import (
    ChangeCategory,
    ClinicalCutoffs,
    CutoffKind,
    CutoffRule,
    RciPolicy,
    ReliableChange,
    ReliableChangeBound,
)

__all__ = [
    "RELIABLE_CHANGE_Z",
    "clinical_cutoffs",
    "jacobson_truax_category",
    "reliable_change_bound",
    "reliable_change_index",
    "standard_error_of_difference",
    "standard_error_of_measurement",
]

#: Two-sided 5% criterion of Jacobson & Truax (1991): |RC| > 1.96 is reliable.
RELIABLE_CHANGE_Z = 1.96

_POLICIES = ("prefer_published", "jacobson_truax")
_CUTOFF_RULES = ("auto", "published", "a", "b", "c")


def _score(field: str, value: float) -> float:
    v = float(value)
    if not math.isfinite(v):
        raise InputError(field, value, "a finite score")
    return v


def _positive(field: str, value: float) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise InputError(field, value, "a finite number > 0")
    return v


def _sign(direction: Direction) -> float:
    """+1 when a higher score is worse, −1 when it is better."""
    return 1.0 if direction == "higher_is_worse" else -1.0


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """Standard error of measurement, ``SE = SD · √(1 − r_xx)`` (Jacobson & Truax 1991).

    Raises InputError when ``sd <= 0`` or ``reliability`` is outside (0, 1].
    """
    s = _positive("sd", sd)
    r = float(reliability)
    if not (math.isfinite(r) and 0.0 < r <= 1.0):
        raise InputError("reliability", reliability, "a number in (0, 1]")
    return s * math.sqrt(1.0 - r)


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """Standard error of a difference of two scores, ``S_diff = √2 · SE``.

    Jacobson & Truax (1991), after Christensen & Mendoza (1986).
    """
    return math.sqrt(2.0) * standard_error_of_measurement(sd, reliability)


def reliable_change_bound(
    norms: NormsLike, *, policy: RciPolicy = "prefer_published", z: float = RELIABLE_CHANGE_Z
) -> ReliableChangeBound:
    """The smallest reliable change in raw points: the published RCI or ``z · S_diff``.

    Examples
    --------
    >>> n = ChangeNorms(sd=7.5, reliability=0.88, source="example")
    >>> round(reliable_change_bound(n).points, 2)
    7.2
    """
    if policy not in _POLICIES:
        raise InputError("policy", policy, _POLICIES)
    zz = _positive("z", z)
    n = ChangeNorms.from_norms(norms)
    s_diff = (
        standard_error_of_difference(n.sd, n.reliability)
        if n.sd is not None and n.reliability is not None
        else None
    )
    if policy == "prefer_published" and n.published_rci is not None:
        return ReliableChangeBound(
            points=n.published_rci,
            method="published_rci",
            z=zz,
            standard_error_of_difference=s_diff,
            norms=n,
        )
    if s_diff is None:
        missing = "norms.sd" if n.sd is None else "norms.reliability"
        allowed = (
            "a value (the Jacobson–Truax rule needs sd and reliability)"
            if policy == "jacobson_truax"
            else "a value, or a published_rci (neither is given)"
        )
        raise InputError(missing, None, allowed)
    return ReliableChangeBound(
        points=zz * s_diff,
        method="jacobson_truax",
        z=zz,
        standard_error_of_difference=s_diff,
        norms=n,
    )


def reliable_change_index(
    before: float,
    after: float,
    norms: NormsLike,
    *,
    policy: RciPolicy = "prefer_published",
    z: float = RELIABLE_CHANGE_Z,
) -> ReliableChange:
    """Reliable change between two scores: ``RC = (x₂ − x₁) / S_diff`` (Jacobson & Truax 1991).

    ``|RC| > z`` (1.96) is reliable under the Jacobson–Truax rule; with a published RCI and
    ``policy="prefer_published"``, ``|x₂ − x₁| >= published_rci`` is (module docstring).
    RC is antisymmetric in time: swapping ``before`` and ``after`` negates it.

    Examples
    --------
    >>> n = ChangeNorms(sd=7.5, reliability=0.88, source="example")
    >>> round(reliable_change_index(64, 49, n).rc, 2)
    -4.08
    """
    x1, x2 = _score("before", before), _score("after", after)
    bound = reliable_change_bound(norms, policy=policy, z=z)
    n = bound.norms
    change = x2 - x1
    improvement = -_sign(n.direction) * change
    s_diff = bound.standard_error_of_difference
    rc: float | None = None
    if s_diff is not None:
        rc = change / s_diff if s_diff > 0 else math.copysign(math.inf, change) if change else 0.0
    if bound.method == "published_rci":
        reliable = abs(change) >= bound.points
    else:
        reliable = rc is not None and abs(rc) > bound.z
    outcome = (
        "no_reliable_change"
        if not reliable
        else "reliable_improvement"
        if improvement > 0
        else "reliable_deterioration"
    )
    return ReliableChange(
        before=x1,
        after=x2,
        change=change,
        improvement=improvement,
        rc=rc,
        bound=bound,
        reliable=reliable,
        outcome=outcome,
        norms=n,
    )


def clinical_cutoffs(norms: NormsLike, *, multiplier: float = 2.0) -> ClinicalCutoffs:
    """Jacobson & Truax (1991) cut-offs for returning to normal functioning.

    For a higher-is-worse scale (signs flip for higher-is-better), with k = ``multiplier``::

        a = M_clin − k·SD_clin          (out of the clinical range)
        b = M_norm + k·SD_norm          (into the normal range)
        c = (SD_clin·M_norm + SD_norm·M_clin) / (SD_clin + SD_norm)
                                        (closer to the normal than to the clinical mean)

    k = 2 in Jacobson & Truax; 1.96 is also used. c does not depend on k or direction.
    """
    k = _positive("multiplier", multiplier)
    n = ChangeNorms.from_norms(norms)
    toward_health = -_sign(n.direction)
    a = b = c = None
    if n.clinical_mean is not None and n.clinical_sd is not None:
        a = n.clinical_mean + toward_health * k * n.clinical_sd
    if n.normal_mean is not None and n.normal_sd is not None:
        b = n.normal_mean - toward_health * k * n.normal_sd
    if (
        n.clinical_mean is not None
        and n.clinical_sd is not None
        and n.normal_mean is not None
        and n.normal_sd is not None
    ):
        c = (n.clinical_sd * n.normal_mean + n.normal_sd * n.clinical_mean) / (
            n.clinical_sd + n.normal_sd
        )
    return ClinicalCutoffs(
        a=a, b=b, c=c, published=n.cutoff, multiplier=k, direction=n.direction, norms=n
    )


def _choose_cutoff(
    cut: ClinicalCutoffs, rule: CutoffRule
) -> tuple[float | None, CutoffKind | None]:
    order: tuple[CutoffKind, ...] = ("published", "c", "b", "a")
    for kind in order if rule == "auto" else tuple(k for k in order if k == rule):
        value = getattr(cut, kind)
        if value is not None:
            return float(value), kind
    if rule != "auto":
        raise InputError("cutoff", rule, "a cut-off the norms can give (their inputs are missing)")
    return None, None


def jacobson_truax_category(
    before: float,
    after: float,
    norms: NormsLike,
    *,
    policy: RciPolicy = "prefer_published",
    z: float = RELIABLE_CHANGE_Z,
    multiplier: float = 2.0,
    cutoff: CutoffRule = "auto",
) -> ChangeCategory:
    """Classify a change as recovered, improved, unchanged or deteriorated.

    Jacobson & Truax (1991): *recovered* = reliable improvement **and** crossed the cut-off
    (clinical before, non-clinical after); *improved* = reliable improvement without that
    crossing; *deteriorated* = reliable change for the worse; *unchanged* = no reliable
    change. A score is in the clinical range when it is at or beyond the cut-off on the
    worse side (PHQ-9: >= 10). ``cutoff="auto"`` uses the instrument's published cut-off,
    else c, else b, else a (Jacobson & Truax prefer c when both norms are known).
    """
    if cutoff not in _CUTOFF_RULES:
        raise InputError("cutoff", cutoff, _CUTOFF_RULES)
    rc = reliable_change_index(before, after, norms, policy=policy, z=z)
    n = rc.norms
    value, kind = _choose_cutoff(clinical_cutoffs(n, multiplier=multiplier), cutoff)
    before_clinical = after_clinical = None
    note = None
    if value is not None:
        sign = _sign(n.direction)
        before_clinical = sign * (rc.before - value) >= 0
        after_clinical = sign * (rc.after - value) >= 0
    if rc.outcome == "reliable_deterioration":
        category = "deteriorated"
    elif rc.outcome == "no_reliable_change":
        category = "unchanged"
    elif before_clinical and after_clinical is False:
        category = "recovered"
    else:
        category = "improved"
        if value is None:
            note = "no clinical cut-off in the norms: recovery cannot be judged"
    return ChangeCategory(
        category=category,
        reliable_change=rc,
        cutoff=value,
        cutoff_kind=kind,
        before_clinical=before_clinical,
        after_clinical=after_clinical,
        note=note,
        norms=n,
    )
