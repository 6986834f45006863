"""The OpenAPI contract names the vocabularies a request is checked against.

The request models take ids as strings (instruments, end reasons, rupture markers, risk
levels and actions) and the services check them against the packaged knowledge. So that a
request the schema calls valid is not refused for an unknown id, the published schema lists
the allowed ids as ``enum`` (an episode's measures: the instruments declaring the role),
read here from the same data the services check against (no second copy). It also states
which lists may not repeat an item and the password lengths of the app's security policy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI

from attunement.instruments import INSTRUMENT_IDS, instruments_with_role
from attunement.monitoring import load_alliance_rules, load_end_reasons
from attunement.risk import load_response_vocabulary
from attunement.security import SecurityPolicy

__all__ = ["document_vocabularies"]


#: A password is taken as typed (never trimmed): no white space at either end.
NO_SPACE_AT_EITHER_END = r"^\S([\s\S]*\S)?$"


def _vocabularies() -> dict[str, list[str]]:
    risk = load_response_vocabulary()
    return {
        "instrument": sorted(INSTRUMENT_IDS),
        "outcome_measure": [d.id for d in instruments_with_role("outcome")],
        "alliance_measure": [d.id for d in instruments_with_role("alliance")],
        "end_reason": list(load_end_reasons().reasons),
        "rupture_marker": list(load_alliance_rules().markers),
        "risk_level": list(risk.levels),
        "risk_action": list(risk.actions),
    }


#: (component schema, property, vocabulary): the string, or each item of the list, is one id.
_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("AdministrationCreate", "instrument", "instrument"),
    ("TherapySessionAdministration", "instrument", "instrument"),
    ("SelfReportResponse", "instrument", "instrument"),
    ("EpisodeCreate", "outcome_instrument", "outcome_measure"),
    ("EpisodeCreate", "alliance_instrument", "alliance_measure"),
    ("InvitationCreate", "instruments", "instrument"),
    ("EpisodeClose", "end_reason", "end_reason"),
    ("TherapySessionCreate", "rupture_markers", "rupture_marker"),
    ("TherapySessionUpdate", "rupture_markers", "rupture_marker"),
    ("RiskResponseCreate", "level", "risk_level"),
    ("RiskResponseCreate", "actions", "risk_action"),
)


#: Lists whose items the service refuses to repeat (an invitation names each instrument once).
_UNIQUE: tuple[tuple[str, str], ...] = (("InvitationCreate", "instruments"),)


def _arrays(schema: dict[str, Any]) -> list[dict[str, Any]]:
    if schema.get("type") == "array":
        return [schema]
    return [array for member in schema.get("anyOf", ()) for array in _arrays(member)]


def _strings(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The string schemas within ``schema``: itself, a nullable's member, a list's items."""
    found: list[dict[str, Any]] = []
    if schema.get("type") == "string":
        found.append(schema)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        found.extend(_strings(schema["items"]))
    for member in schema.get("anyOf", ()):
        found.extend(_strings(member))
    return found


def _restrict(components: dict[str, Any], fields: Sequence[tuple[str, str, str]]) -> None:
    vocabularies = _vocabularies()
    for component, prop, vocabulary in fields:
        schema = components.get(component, {}).get("properties", {}).get(prop)
        if schema is None:
            raise AssertionError(f"no property {component}.{prop} to document")  # a rename
        for string in _strings(schema):
            string["enum"] = vocabularies[vocabulary]
    for component, prop in _UNIQUE:
        for array in _arrays(components[component]["properties"][prop]):
            array["uniqueItems"] = True


def document_vocabularies(app: FastAPI, policy: Callable[[], SecurityPolicy]) -> None:
    """Add the vocabularies and the password lengths to ``app``'s OpenAPI document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        components = schema.get("components", {}).get("schemas", {})
        _restrict(components, _FIELDS)
        password = components.get("UserCreate", {}).get("properties", {}).get("password")
        if password is not None:
            rules = policy()
            password["minLength"] = rules.password_min_length
            password["maxLength"] = rules.password_max_length
            password["pattern"] = NO_SPACE_AT_EITHER_END
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
