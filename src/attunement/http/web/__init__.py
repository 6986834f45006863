"""The server-rendered web pages (Jinja2 + htmx): clinic pages and patient self-report.

Routes only do HTTP: they read forms, call :mod:`attunement.services` and render
templates. Accessible by design (labels, one ``h1``, keyboard, contrast, status never by
colour alone), usable on a phone, and within a ``default-src 'self'`` Content-Security-Policy
(no inline script, style or event handler; htmx is served from ``static/``).
"""

from attunement.http.web._outcome import load_crisis_resources
from attunement.http.web._rendering import ROUTES, url
from attunement.http.web._routes import include_web, router
from attunement.http.web._templates import compile_templates

__all__ = ["ROUTES", "compile_templates", "include_web", "load_crisis_resources", "router", "url"]
