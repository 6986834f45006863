"""The clinic's crisis resources: what a patient who endorsed a risk item reads next.

A clinic states its own crisis contacts (text, numbers, links, in each of its patients'
languages) in ``crisis_resources.yaml`` in its data directory; the edge reads the file and
validates it here (:func:`parse_crisis_resources`), so a wrong file stops the app at start
with the file, line and field named. Without one, the packaged neutral default
(``attunement/risk/crisis_resources.yaml``) applies: it tells the patient to contact local
emergency services and their clinician and holds no telephone number, since any number
would be right for one country and wrong for the others.

Whether the page is shown at all is not decided here: it follows the stored score's risk
flags (``has_risk_flag``, set where the self-report was scored and its risk recorded).
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, Field, model_validator

from attunement._model_config import FROZEN
from attunement.knowledge import load_packaged, validate_knowledge

__all__ = [
    "CRISIS_RESOURCES_FILE",
    "CrisisContact",
    "CrisisResources",
    "CrisisText",
    "default_crisis_resources",
    "parse_crisis_resources",
]

#: The clinic's file, in its data directory (``ATTUNE_DATA_DIR``).
CRISIS_RESOURCES_FILE = "crisis_resources.yaml"

_LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class CrisisContact(BaseModel):
    """One service the patient can reach: its name and at least a number or a link."""

    model_config = FROZEN

    name: str = Field(min_length=1, max_length=200)
    #: as dialled: digits, spaces, hyphens, an optional leading + (e.g. 112, +34 900 …)
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9 \-]{1,30}$")
    #: a text-message line: the number to text (same form as ``phone``)
    sms: str | None = Field(None, pattern=r"^\+?[0-9][0-9 \-]{1,30}$")
    url: str | None = Field(None, pattern=r"^https://\S+$", max_length=500)
    #: when it answers, in the patient's words (e.g. "24 hours, every day")
    hours: str | None = Field(None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _reachable(self) -> CrisisContact:
        if not (self.phone or self.sms or self.url):
            raise ValueError("a contact needs a phone, sms or url")
        return self

    @property
    def tel(self) -> str | None:
        """The ``tel:`` address of ``phone`` (spaces and hyphens removed)."""
        return None if self.phone is None else "tel:" + re.sub(r"[ \-]", "", self.phone)


class CrisisText(BaseModel):
    """The page in one language: a heading, what to do, and the clinic's contacts."""

    model_config = FROZEN

    heading: str = Field(min_length=1, max_length=200)
    message: str = Field(min_length=1, max_length=2000)
    contacts: tuple[CrisisContact, ...] = ()


class CrisisResources(BaseModel):
    """The clinic's crisis resources in every language it serves."""

    model_config = FROZEN

    version: str = Field(min_length=1)
    #: the language shown to a patient whose language has no text here
    fallback_language: str = Field(pattern=_LANGUAGE)
    languages: dict[str, CrisisText] = Field(min_length=1)

    @model_validator(mode="after")
    def _fallback_present(self) -> CrisisResources:
        for language in self.languages:
            if not re.match(_LANGUAGE, language):
                raise ValueError(f"languages: {language!r} is not a language tag (en, es, pt-BR)")
        if self.fallback_language not in self.languages:
            raise ValueError(
                f"fallback_language {self.fallback_language!r} has no text in languages"
            )
        return self

    def for_language(self, language: str) -> tuple[str, CrisisText]:
        """The text in ``language`` (or its base language), else the fallback's; with the
        language actually shown (the page's ``lang``)."""
        for candidate in (language, language.split("-", maxsplit=1)[0]):
            if candidate in self.languages:
                return candidate, self.languages[candidate]
        return self.fallback_language, self.languages[self.fallback_language]


def parse_crisis_resources(text: str, name: str = CRISIS_RESOURCES_FILE) -> CrisisResources:
    """Validate a clinic's file (its text; ``name`` for the errors): DefinitionError naming
    the file, line and field when it does not fit."""
    return validate_knowledge(CrisisResources, text, name)


@cache
def default_crisis_resources() -> CrisisResources:
    """The packaged neutral default: emergency services and the clinician, no numbers."""
    return load_packaged(CrisisResources, "attunement.risk", CRISIS_RESOURCES_FILE)
