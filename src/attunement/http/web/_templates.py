"""The Jinja2 environment and the packaged static files.

Templates are autoescaped. Static files are served from the package by one route with a
content hash in the URL (``/static/app.css?v=1a2b3c4d``), so browsers may cache them for a
year and still see a new version at once. Only files listed at start-up are served.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from attunement.http.web._display import status_words
from attunement.i18n.jinja import install_i18n

__all__ = ["StaticFile", "environment", "static_file", "static_files", "static_url"]


@dataclass(frozen=True)
class StaticFile:
    """One packaged static file: its bytes, media type and content hash."""

    name: str
    body: bytes
    media_type: str
    version: str


_SERVED = ("app.css", "htmx.min.js", "forms.js", "copy-summary.js", "icons.svg", "favicon.svg")
_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


@cache
def static_files() -> dict[str, StaticFile]:
    """The static files the pages use, read once from the package."""
    folder = resources.files("attunement.http.web") / "static"
    found: dict[str, StaticFile] = {}
    for name in _SERVED:
        body = (folder / name).read_bytes()
        suffix = name[name.rfind(".") :]
        media = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        found[name] = StaticFile(
            name=name,
            body=body,
            media_type=media,
            version=hashlib.sha256(body).hexdigest()[:12],
        )
    return found


def static_file(name: str) -> StaticFile | None:
    return static_files().get(name)


def static_url(name: str) -> str:
    """``/static/<name>?v=<hash>`` (KeyError for a file that is not served)."""
    return f"/static/{name}?v={static_files()[name].version}"


@cache
def environment() -> Environment:
    """The shared, autoescaping template environment (globals are per-render context)."""
    env = Environment(
        loader=PackageLoader("attunement.http.web", "templates"),
        autoescape=select_autoescape(("html",), default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    install_i18n(env)
    env.globals["static"] = static_url
    env.globals["status_words"] = status_words
    return env


def compile_templates() -> None:
    """Compile every template now (``attune serve`` before listening): about 0.3 s that
    the first page requests of a new server would otherwise each spend at once."""
    templates = environment()
    for name in templates.list_templates():
        templates.get_template(name)


def render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(context)
