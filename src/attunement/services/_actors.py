"""Who is asking: every use case takes an explicit Actor and checks access itself.

* ``UserActor`` — a signed-in clinician, supervisor or admin.
* ``InvitationActor`` — a patient holding a valid invitation link: may see the due
  questionnaires of that one invitation and submit them, nothing else.
* ``OperatorActor`` — the person running ``attune`` on the server. They already hold the
  database, so the CLI acts as the operator rather than pretending to be a clinic user; the
  operator may manage users, list patients (id, name, clinician, latest alert) and verify
  the audit trail, and every such read is audited under ``operator:<name>``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from attunement.services._roles import ROLES, Role

__all__ = ["ROLES", "Actor", "InvitationActor", "OperatorActor", "Role", "UserActor"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class UserActor(BaseModel):
    """A signed-in user of the clinic."""

    model_config = _FROZEN

    user_id: int
    username: str
    role: Role
    also_clinician: bool = False

    @property
    def audit_name(self) -> str:
        return f"user:{self.user_id}"

    @property
    def audit_role(self) -> str:
        return self.role

    @property
    def treats_patients(self) -> bool:
        """Clinicians and supervisors have a caseload; an admin only when also a clinician."""
        return self.role != "admin" or self.also_clinician


class InvitationActor(BaseModel):
    """A patient answering through one invitation link."""

    model_config = _FROZEN

    invitation_id: int
    episode_id: int
    patient_id: int
    instruments: tuple[str, ...]
    language: str

    @property
    def audit_name(self) -> str:
        return f"invitation:{self.invitation_id}"

    @property
    def audit_role(self) -> str:
        return "patient"


class OperatorActor(BaseModel):
    """The operator at the server's command line."""

    model_config = _FROZEN

    name: str

    @property
    def audit_name(self) -> str:
        return f"operator:{self.name}"

    @property
    def audit_role(self) -> str:
        return "operator"


Actor = UserActor | InvitationActor | OperatorActor
