"""Liveness: ``GET /api/v1/health`` (anonymous; checks the database answers)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep

router = APIRouter(prefix="/api/v1", tags=["meta"], responses=error_responses(413, 503))


@router.get("/health")
def health(context: ContextDep) -> dict[str, str]:
    """``{"status": "ok"}`` when the app and its database answer."""
    with context.sessions() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}
