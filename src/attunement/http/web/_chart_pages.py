"""The episode's charts as SVG images, each at its own route (HTTP only).

The patient page shows them with ``<img>``; the SVG is the services' stored drawing of the
episode's current version (drawn on the first request after a change), so a page view
draws nothing. Each response carries the SVG's digest as its ``ETag`` and
``Cache-Control: private, no-cache``: a browser may keep the chart but asks again each
time, and a request whose ``If-None-Match`` holds the current ETag gets 304 without the
body, after the same access check and audit entry as any read of the patient's record.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from attunement.http.deps import ContextDep, WebActor
from attunement.http.web._rendering import ROUTES
from attunement.services import episode_chart_svg

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: Private (health data: never in a shared cache), revalidated on every use.
CHART_CACHE_CONTROL = "private, no-cache"


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


@router.get(ROUTES["episode_chart"])
def episode_chart(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    *,
    patient_id: int,
    episode_id: int,
    kind: str,
) -> Response:
    """The episode's ``outcome`` or ``alliance`` chart (``image/svg+xml``)."""
    chart = episode_chart_svg(context, actor, patient_id, episode_id, kind)
    headers = {"ETag": chart.etag, "Cache-Control": CHART_CACHE_CONTROL}
    if _matches(request.headers.get("if-none-match"), chart.etag):
        return Response(status_code=304, headers=headers)
    return Response(chart.svg, media_type="image/svg+xml", headers=headers)
