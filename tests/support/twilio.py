"""A local HTTP server that speaks Twilio's Messages API, for the SMS tests.

It checks what Twilio checks (path with the Account SID, HTTP Basic auth, form-encoded
To/From/Body) and answers as Twilio does: 201 with the Message resource, 400 with the error
object (code 21211, an invalid To number: permanent), 429 and 503 (retry later).
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "test-token-not-a-secret"  # a local test server's token
SENDER = "+15005550006"
#: the number the fake provider refuses (Twilio's code 21211: invalid 'To' number)
REFUSED = "+15005550001"
#: the numbers for which it answers 503 and 429
UNAVAILABLE = "+15005550002"
THROTTLED = "+15005550003"


class _Twilio(BaseHTTPRequestHandler):
    received: list[dict[str, str]]  # set on the server's class

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def _answer(self, status: int, document: dict[str, object]) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, code: int, message: str) -> None:
        self._answer(
            status,
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
        )

    def do_POST(self) -> None:
        expected = f"Basic {base64.b64encode(f'{SID}:{TOKEN}'.encode()).decode()}"
        if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            self._error(404, 20404, "The requested resource was not found")
            return
        if self.headers.get("Authorization") != expected:
            self._error(401, 20003, "Authenticate")
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        type(self).received.append(form)
        if form.get("To") == REFUSED:
            self._error(400, 21211, f"The 'To' number {REFUSED} is not a valid phone number.")
        elif form.get("To") == UNAVAILABLE:
            self._error(503, 20503, "Service unavailable")
        elif form.get("To") == THROTTLED:
            self._error(429, 20429, "Too Many Requests")
        else:
            number = len(type(self).received)
            self._answer(
                201,
                {
                    "sid": f"SM{number:032x}",
                    "status": "queued",
                    "to": form["To"],
                    "from": form.get("From"),
                    "body": form["Body"],
                    "account_sid": SID,
                },
            )


@contextmanager
def twilio_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """The server's base URL and the forms it received (every POST, in order)."""
    received: list[dict[str, str]] = []
    handler = type("Handler", (_Twilio,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
