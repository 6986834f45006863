"""The REST API's routers, one per resource, all under ``/api/v1``."""

from attunement.http.api import (
    audit,
    auth,
    caseload,
    episode_lifecycle,
    episodes,
    grants,
    meta,
    notifications,
    patients,
    records,
    risk,
    schedules,
    self_report,
    summary,
    users,
)

API_ROUTERS = (
    meta.router,
    auth.router,
    patients.router,
    risk.router,
    notifications.router,
    episode_lifecycle.router,
    episodes.router,
    records.router,
    caseload.router,
    schedules.router,
    summary.router,
    self_report.router,
    users.router,
    grants.router,
    audit.router,
)

__all__ = ["API_ROUTERS"]
