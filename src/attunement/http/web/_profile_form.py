"""The intake form: the stored profile as form fields, and the submitted form as a profile.

The profile is stored in its file shape (``attunement.profile.parse_profile`` input). The
form shows each dimension's current value and where it came from; on saving, a dimension
whose value did not change keeps its stored entry untouched (an instrument's answers and
date stay the source), a changed one becomes a clinician rating or the patient's statement
dated today, and a cleared one is removed ("not assessed"). The service validates the
result with ``parse_profile``; its ``InvalidProfile`` comes back here as a field message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from attunement.http.web._preference_form import PreferenceRow, as_text, is_administration
from attunement.i18n import N_, translate
from attunement.profile import PROFILE_FIELDS, Profile
from attunement.wording import field_value_words, source_words

__all__ = ["GROUPS", "FieldView", "GroupView", "merge_profile", "profile_groups"]


@dataclass(frozen=True)
class _Group:
    id: str
    title: str
    hint: str
    source: str
    fields: tuple[tuple[str, str], ...]  # (path, label)


GROUPS: tuple[_Group, ...] = (
    _Group(
        "ratings",
        N_("Clinician ratings"),
        N_("Your judgement from the assessment interview."),
        "clinician_rating",
        (
            ("reactance", N_("Reactance")),
            ("stage_of_change", N_("Stage of change")),
            ("coping_style", N_("Coping style")),
            ("functional_impairment", N_("Functional impairment")),
            ("distress", N_("Subjective distress")),
            ("attachment.anxiety", N_("Attachment anxiety")),
            ("attachment.avoidance", N_("Attachment avoidance")),
        ),
    ),
    _Group(
        "account",
        N_("The patient’s own account"),
        N_("What the patient says about their expectations, culture and beliefs."),
        "stated",
        (
            ("expectations.outcome", N_("Expects therapy to help")),
            ("expectations.credibility", N_("Finds the treatment credible")),
            ("culture.identity", N_("Cultural identity")),
            ("culture.preferred_language", N_("Preferred language of therapy")),
            ("culture.wants_adaptation", N_("Wants culturally adapted care")),
            ("religion_spirituality.importance", N_("Importance of religion or spirituality")),
            ("religion_spirituality.wants_integration", N_("Wants it integrated into therapy")),
        ),
    ),
)
_SOURCE_OF = {path: group.source for group in GROUPS for path, _ in group.fields}


@dataclass
class FieldView:
    name: str
    label: str
    kind: str  # "select" | "text"
    value: str
    hint: str | None
    options: list[tuple[str, str]] = field(default_factory=list)
    blank: str | None = None
    inputmode: str | None = None
    maxlength: int | None = None
    error: str | None = None


@dataclass
class GroupView:
    id: str
    title: str
    hint: str
    fields: list[FieldView]


def _current(profile: Profile | None, path: str, language: str = "en") -> tuple[str, str | None]:
    """The stored value as the form sends it, and the hint that shows it in ``language``."""
    found = profile.value_at(path) if profile is not None else None
    if found is None:
        return "", None
    value, provenance = found
    hint = translate(
        N_("Now: %(value)s — %(source)s"),
        language,
        value=field_value_words(path, value, language),
        source=source_words(provenance, language),
    )
    return as_text(value), hint


def _field_view(
    path: str,
    label: str,
    profile: Profile | None,
    submitted: Mapping[str, str] | None,
    language: str,
) -> FieldView:
    spec = PROFILE_FIELDS[path]
    current, hint = _current(profile, path, language)
    value = submitted.get(path, "") if submitted is not None else current
    label = translate(label, language)
    if spec.kind == "enum":
        return FieldView(
            path,
            label,
            "select",
            value,
            hint,
            [(v, field_value_words(path, v, language)) for v in spec.values],
            blank=translate(N_("Not assessed"), language),
        )
    if spec.kind == "bool":
        yes_no = [(v, field_value_words(path, v == "yes", language)) for v in ("yes", "no")]
        blank = translate(N_("Not asked"), language)
        return FieldView(path, label, "select", value, hint, yes_no, blank=blank)
    if spec.kind == "number":
        scale = translate(
            N_("%(low)s–%(high)s (subscale mean)"),
            language,
            low=f"{spec.minimum:g}",
            high=f"{spec.maximum:g}",
        )
        return FieldView(
            path,
            label,
            "text",
            value,
            f"{hint}. {scale}" if hint else scale,
            inputmode="decimal",
            maxlength=6,
        )
    extra = (
        translate(N_("A language tag, e.g. es, pt-BR."), language)
        if spec.kind == "language"
        else None
    )
    joined = " ".join(x for x in (hint, extra) if x) or None
    return FieldView(path, label, "text", value, joined, maxlength=200)


def profile_groups(
    profile: Profile | None,
    submitted: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    *,
    language: str = "en",
) -> list[GroupView]:
    """The dimension fields, filled from the stored profile (or what was just submitted),
    worded in ``language`` (the clinic's): labels, choices and where each value came from."""
    groups = []
    for group in GROUPS:
        fields = [
            _field_view(path, label, profile, submitted, language) for path, label in group.fields
        ]
        for view in fields:
            view.error = (errors or {}).get(view.name)
        title, hint = translate(group.title, language), translate(group.hint, language)
        groups.append(GroupView(group.id, title, hint, fields))
    return groups


# --------------------------------------------------------------------------- merging


def _converted(path: str, text: str) -> object:
    kind = PROFILE_FIELDS[path].kind
    if kind == "bool":
        return {"yes": True, "no": False}.get(text, text)
    if kind == "number":
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return text  # parse_profile names the field and the allowed range
    return text


def merge_profile(
    raw: Mapping[str, Any],
    profile: Profile | None,
    values: Mapping[str, str],
    rows: list[PreferenceRow],
    today: dt.date,
) -> tuple[dict[str, Any], dict[int, str]]:
    """The new stored profile, and which preference index came from which form row."""
    merged: dict[str, Any] = {k: v for k, v in raw.items() if k != "preferences"}
    dimensions: dict[str, list[str]] = {}
    for path in _SOURCE_OF:
        dimensions.setdefault(path.split(".")[0], []).append(path)
    for dimension, paths in dimensions.items():
        new = {p: values.get(p, "").strip() for p in paths}
        old = {p: _current(profile, p)[0] for p in paths}
        if new == old and dimension in raw:
            continue
        merged.pop(dimension, None)
        given = {p: t for p, t in new.items() if t}
        if not given:
            continue
        stamp = {"source": _SOURCE_OF[paths[0]], "assessed_on": today.isoformat()}
        if len(paths) == 1 and "." not in paths[0]:
            merged[dimension] = {"value": _converted(paths[0], given[paths[0]]), **stamp}
        else:
            parts = {p.split(".", 1)[1]: _converted(p, t) for p, t in given.items()}
            merged[dimension] = {**parts, **stamp}
    preferences: list[Any] = [e for e in raw.get("preferences") or [] if is_administration(e)]
    stored = {
        (e.get("aspect"), as_text(e.get("value")), e.get("strength")): e
        for e in raw.get("preferences") or []
        if isinstance(e, Mapping) and not is_administration(e)
    }
    origin: dict[int, str] = {}
    for row in rows:
        if not row.filled:
            continue
        origin[len(preferences)] = row.key
        kept = stored.get((row.aspect, row.value, row.strength))
        preferences.append(
            kept
            if kept is not None
            else {
                "aspect": row.aspect or None,
                "value": row.value or None,
                "strength": row.strength or None,
                "source": "stated",
                "assessed_on": today.isoformat(),
            }
        )
    if preferences:
        merged["preferences"] = preferences
    return merged, origin
