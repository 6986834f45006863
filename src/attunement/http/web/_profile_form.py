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
from attunement.profile import PROFILE_FIELDS, Profile
from attunement.wording import value_words

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
        "Clinician ratings",
        "Your judgement from the assessment interview.",
        "clinician_rating",
        (
            ("reactance", "Reactance"),
            ("stage_of_change", "Stage of change"),
            ("coping_style", "Coping style"),
            ("functional_impairment", "Functional impairment"),
            ("distress", "Subjective distress"),
            ("attachment.anxiety", "Attachment anxiety"),
            ("attachment.avoidance", "Attachment avoidance"),
        ),
    ),
    _Group(
        "account",
        "The patient’s own account",
        "What the patient says about their expectations, culture and beliefs.",
        "stated",
        (
            ("expectations.outcome", "Expects therapy to help"),
            ("expectations.credibility", "Finds the treatment credible"),
            ("culture.identity", "Cultural identity"),
            ("culture.preferred_language", "Preferred language of therapy"),
            ("culture.wants_adaptation", "Wants culturally adapted care"),
            ("religion_spirituality.importance", "Importance of religion or spirituality"),
            ("religion_spirituality.wants_integration", "Wants it integrated into therapy"),
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


def _current(profile: Profile | None, path: str) -> tuple[str, str | None]:
    found = profile.value_at(path) if profile is not None else None
    if found is None:
        return "", None
    value, provenance = found
    return as_text(value), f"Now: {value_words(value)} — {provenance.describe()}"


def _field_view(
    path: str, label: str, profile: Profile | None, submitted: Mapping[str, str] | None
) -> FieldView:
    spec = PROFILE_FIELDS[path]
    current, hint = _current(profile, path)
    value = submitted.get(path, "") if submitted is not None else current
    if spec.kind == "enum":
        return FieldView(
            path,
            label,
            "select",
            value,
            hint,
            [(v, value_words(v)) for v in spec.values],
            blank="Not assessed",
        )
    if spec.kind == "bool":
        return FieldView(
            path, label, "select", value, hint, [("yes", "yes"), ("no", "no")], blank="Not asked"
        )
    if spec.kind == "number":
        scale = f"{spec.minimum:g}–{spec.maximum:g} (subscale mean)"
        return FieldView(
            path,
            label,
            "text",
            value,
            f"{hint}. {scale}" if hint else scale,
            inputmode="decimal",
            maxlength=6,
        )
    extra = "A language tag, e.g. es, pt-BR." if spec.kind == "language" else None
    joined = " ".join(x for x in (hint, extra) if x) or None
    return FieldView(path, label, "text", value, joined, maxlength=200)


def profile_groups(
    profile: Profile | None,
    submitted: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[GroupView]:
    """The dimension fields, filled from the stored profile (or what was just submitted)."""
    groups = []
    for group in GROUPS:
        fields = [_field_view(path, label, profile, submitted) for path, label in group.fields]
        for view in fields:
            view.error = (errors or {}).get(view.name)
        groups.append(GroupView(group.id, group.title, group.hint, fields))
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
