"""Attunement: evidence-based responsiveness in psychotherapy.

Assess the patient, tailor the relationship and treatment to them with the evidence behind
every line, and routinely monitor outcome and alliance. The core (evidence, instruments,
profile, tailoring, monitoring) is pure functions over typed models; see ARCHITECTURE.md.
"""

from __future__ import annotations

from attunement.errors import AttunementError

__version__ = "0.1.0"

__all__ = ["AttunementError", "__version__"]
