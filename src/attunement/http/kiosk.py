"""The kiosk lock: a device handed to a patient reaches only that patient's questionnaires.

While the kiosk cookie (:data:`KIOSK_COOKIE`, set by the web page that hands the device
over, :mod:`attunement.http.web._kiosk_pages`) is present, every request to anything but
the kiosk's own pages (:data:`KIOSK_PATHS`) and the static files is answered with a
redirect to ``/kiosk``: clinic pages, the API, FHIR, sign-in, another patient's link — typed
in, bookmarked or reached with the back button. Nothing of the app runs for such a request.
The clinician's own session was ended when the device was handed over, so removing the
cookie (a private window, cleared cookies) only leads to the sign-in page.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["KIOSK_COOKIE", "KIOSK_HOME", "KIOSK_PATHS", "KioskLock"]

#: The kiosk's cookie: the token of the one link the device is locked to.
KIOSK_COOKIE = "attune_kiosk"
#: Where a locked device is sent back to.
KIOSK_HOME = "/kiosk"
#: What a locked device may reach: the questionnaires, the page after them (and its chart,
#: where the clinic shows it), the hand-back.
KIOSK_PATHS = frozenset({KIOSK_HOME, "/kiosk/done", "/kiosk/chart.svg", "/kiosk/exit"})
_STATIC = "/static/"


_KIOSK_NAME = KIOSK_COOKIE.encode()


def _in_kiosk(scope: Scope) -> bool:
    """Whether the request carries the kiosk cookie. The cookies are parsed only when a
    ``Cookie`` header names it: every request passes here, most with no cookie at all."""
    for name, value in scope.get("headers", ()):
        if name == b"cookie" and _KIOSK_NAME in value:
            return bool(HTTPConnection(scope).cookies.get(KIOSK_COOKIE))
    return False


class KioskLock:
    """ASGI middleware: with the kiosk cookie, only :data:`KIOSK_PATHS` and static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope.get("path", "")
            if path not in KIOSK_PATHS and not path.startswith(_STATIC) and _in_kiosk(scope):
                await RedirectResponse(KIOSK_HOME, status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)
