"""The REST API's routers, one per resource, all under ``/api/v1``."""

from attunement.api.routes import (
    audit,
    auth,
    caseload,
    episodes,
    grants,
    meta,
    patients,
    risk,
    self_report,
    summary,
    users,
)

API_ROUTERS = (
    meta.router,
    auth.router,
    patients.router,
    risk.router,
    episodes.router,
    caseload.router,
    summary.router,
    self_report.router,
    users.router,
    grants.router,
    audit.router,
)

__all__ = ["API_ROUTERS"]
