"""Keyed pseudonyms and per-patient date shifts for de-identified research exports.

Ids become HMAC-SHA256 pseudonyms keyed by a key derived from the installation's secret (a
plain hash of a small id space is reversible by enumeration, a keyed one is not without the
key); every date of a patient is shifted by the same whole number of days (1–182, either
direction) drawn from an HMAC of that patient's id, so intervals within a patient are kept
and calendar dates are not.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["MAX_SHIFT_DAYS", "Pseudonymizer"]

MAX_SHIFT_DAYS = 182


class Pseudonymizer:
    """Keyed pseudonyms and per-patient date shifts for one export.

    ``secret`` is the installation's secret (``Settings.signing_key()``); a separate key is
    derived from it for exports, so a pseudonym never equals any token the app signs.
    """

    def __init__(self, secret: str) -> None:
        self._key = hmac.new(
            secret.encode("utf-8"), b"attunement research export v1", hashlib.sha256
        ).digest()

    def _mac(self, message: str) -> bytes:
        return hmac.new(self._key, message.encode("utf-8"), hashlib.sha256).digest()

    def pseudonym(self, kind: str, value: str) -> str:
        """A stable pseudonym for ``value`` of ``kind`` (96 bits, hex)."""
        return self._mac(f"{kind}:{value}").hex()[:24]

    def record_ids(
        self, patient_id: str, clinician_id: str, episode_id: str | None
    ) -> dict[str, str | None]:
        """The pseudonyms of a row's patient, clinician and episode (None stays None): every
        table of the export is keyed by them, so each table pseudonymises them alike."""
        return {
            "patient_id": self.pseudonym("patient", patient_id),
            "clinician_id": self.pseudonym("clinician", clinician_id),
            "episode_id": None if episode_id is None else self.pseudonym("episode", episode_id),
        }

    def shift_days(self, patient_id: str) -> int:
        """The patient's date shift: ±1–182 days, the same for all of the patient's dates."""
        digest = self._mac(f"date-shift:{patient_id}")
        magnitude = 1 + int.from_bytes(digest[:4], "big") % MAX_SHIFT_DAYS
        return magnitude if digest[4] & 1 else -magnitude
