"""A profile as an older release stored it and this release refuses (all synthetic).

An older release compared preference values ignoring case only, so it stored "same as mine"
and "same-as-mine" as two treatment types; this release counts them as one value
(``profile.preference_value_key``) and refuses the profile as "each value once".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from attunement.services import ServiceContext
from attunement.store import Patient

TWO_SPELLINGS = {
    "preferences": [
        {"aspect": "treatment_type", "value": "same as mine", "strength": "moderate"},
        {"aspect": "treatment_type", "value": "same-as-mine", "strength": "strong"},
    ]
}


def store_as_an_older_release(ctx: ServiceContext, patient_id: int, on: dt.datetime) -> None:
    """Store :data:`TWO_SPELLINGS` as the patient's profile past the parser, as stored then."""
    with ctx.sessions.begin() as session:
        session.execute(
            update(Patient)
            .where(Patient.id == patient_id)
            .values(profile=TWO_SPELLINGS, profile_updated_at=on)
        )
