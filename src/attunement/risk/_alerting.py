"""Which risk answers reach the treating clinician by notification (issue 14).

A risk item answered in a session or at intake was taken with the clinician present, and a
bulk import brings history; but a patient's own self-report at home, or a questionnaire an
EHR sends, reaches the clinic while nobody is looking. Those endorsements (endorsed or left
blank) notify the treating clinician at once, whatever else the clinic has switched off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from attunement.risk._models import RiskEndorsement, Route

__all__ = ["UNWITNESSED_ROUTES", "notifies_clinician"]

#: The routes by which a risk answer arrives without the treating clinician present.
UNWITNESSED_ROUTES: Final[frozenset[Route]] = frozenset({"self_report", "fhir_import"})


def notifies_clinician(endorsements: Iterable[RiskEndorsement]) -> bool:
    """True when any of the endorsements arrived without the clinician present."""
    return any(e.route in UNWITNESSED_ROUTES for e in endorsements)
