"""HTTP security headers sent on every response (OWASP Secure Headers Project).

The Content-Security-Policy allows scripts, styles and images from the app's own origin only
(no inline scripts, no ``eval``), no framing by anyone (``frame-ancestors 'none'`` plus the
older ``X-Frame-Options: DENY``), and forms posting only back to the app.
"""

from __future__ import annotations

__all__ = ["CONTENT_SECURITY_POLICY", "security_headers"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)

_ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def security_headers(*, https_only: bool) -> dict[str, str]:
    """The header set; ``https_only`` adds HSTS (two years, RFC 6797)."""
    headers = dict(_ALWAYS)
    if https_only:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers
