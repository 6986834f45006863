"""The clinic's roles, in a module of their own.

Kept apart from the actor models so that ``attune users create --help`` can name the roles
without importing pydantic and the services.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["ROLES", "Role"]

Role = Literal["admin", "supervisor", "clinician"]
ROLES: tuple[Role, ...] = ("admin", "supervisor", "clinician")
