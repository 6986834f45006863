"""Serve a test's freshly built app through an app object built before with the same settings.

FastAPI prepares each route of an included router on an app's first request that reaches
it (the validators of its parameters): about 0.2 s of CPU for every new app on a quiet
machine, more than many HTTP tests take in all. A test still builds its own app with
``create_app`` (a few milliseconds): its context over the test's own database, clock and
password hasher, its settings, crisis resources, FHIR base and CDS trust — everything the
app keeps in ``app.state``, which is what every route and middleware reads per request
(``request.app.state``; the middlewares' ``lambda: app.state.context``). :class:`AppReuse`
then serves that state through an app built earlier in the same test process from the same
settings (every field but the data folder, the database URL and the CDS trust file, which
reach only the state: ``create_app`` loads the trust into it), so the routes, middlewares
and error handlers are those ``create_app`` builds for these settings, already prepared.

After the test the reused app's state is emptied (a request that reached it would fail, not
read another test's records), its dependency overrides cleared and its cached OpenAPI
document dropped, as a new app has none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from pydantic import SecretStr

from attunement.settings import Settings

#: Settings that reach only the app's state (the context's database, the data folder's
#: files and the audit anchors under it, the CDS trust loaded from its file), never its
#: routes or middlewares.
STATE_ONLY = frozenset({"data_dir", "database_url", "cds_trust_file"})


def _key(app: FastAPI) -> tuple[object, ...]:
    settings: Settings = app.state.settings
    fields: list[tuple[str, str]] = []
    for name in sorted(type(settings).model_fields):
        if name in STATE_ONLY:
            continue
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        fields.append((name, repr(value)))
    return (tuple(fields), app.state.secure_cookies)


class AppReuse:
    """Apps built earlier in this process, by what they were built from (module doc)."""

    def __init__(self) -> None:
        self._apps: dict[tuple[object, ...], FastAPI] = {}

    @contextmanager
    def serving(self, fresh: FastAPI) -> Iterator[FastAPI]:
        """``fresh`` (just built by ``create_app``), or an app built before from the same
        settings now holding ``fresh``'s state."""
        key = _key(fresh)
        app = self._apps.setdefault(key, fresh)
        if app is not fresh:
            assert not app.state._state, "the app's state was not emptied after its last test"
            assert not app.dependency_overrides
            app.state._state.update(fresh.state._state)
        try:
            yield app
        finally:
            app.state._state.clear()
            app.dependency_overrides.clear()
            app.openapi_schema = None
