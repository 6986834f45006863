"""Harness for the web pages: a real uvicorn server and Debian's headless Chromium.

``live_server`` runs the whole app (``create_app``, which includes the web pages) under
uvicorn on 127.0.0.1 and a free port, in a background thread, over a fresh migrated
database from the shared ``database_url`` fixture, seeded with the small clinic of
``tests.services.world``. Browser test modules carry ``SQLITE_ONLY``.

``browser`` is Debian's ``/usr/bin/chromium`` driven by the Python ``playwright`` package
(browser downloads do not work here). Without that binary the browser tests skip with the
reason, and under ``ATTUNE_REQUIRE_ALL=1`` (CI) the skip fails the run. Every page a test
opens is watched for Content-Security-Policy violations, console errors and uncaught
exceptions; any one fails the test. Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from attunement.http import create_app
from attunement.services import ServiceContext
from attunement.settings import Settings
from attunement.store import make_engine
from tests.http.web.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, LiveServer, PageWatch
from tests.services.world import build_world, fast_passwords
from tests.support.app_reuse import AppReuse


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _app(database_url: str, data_dir: Path) -> FastAPI:
    settings = Settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key=SecretStr("web-test-secret-0123456789abcdef"),
        mode="dev",
    )
    return create_app(
        settings,
        engine=make_engine(database_url),
        passwords=fast_passwords(),
        secure_cookies=False,
    )


@pytest.fixture
def web_app(database_url: str, tmp_path: Path, app_reuse: AppReuse) -> Iterator[FastAPI]:
    """The whole app (API + pages) over a fresh database (no clinic seeded), served through
    an app built before from the same settings (:mod:`tests.support.app_reuse`)."""
    fresh = _app(database_url, tmp_path)
    engine = fresh.state.context.sessions.kw["bind"]
    try:
        with app_reuse.serving(fresh) as app:
            yield app
    finally:
        engine.dispose()


@pytest.fixture
def ctx(web_app: FastAPI) -> ServiceContext:
    """The app's own context (``world`` seeds the app's database through it)."""
    context: ServiceContext = web_app.state.context
    return context


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    """An in-process HTTP client for page tests that need no browser."""
    with TestClient(web_app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def live_server(web_app: FastAPI) -> Iterator[LiveServer]:
    """uvicorn on 127.0.0.1:<free port> in a thread, with the small clinic seeded."""
    context: ServiceContext = web_app.state.context
    world = build_world(context)
    port = _free_port()
    config = uvicorn.Config(
        web_app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-live", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", context, context.sessions.kw["bind"], world)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (or a skip naming what is missing)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (install Debian's 'chromium' package; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page_watch() -> PageWatch:
    """What the test's page reported; ``page_watch.allow(...)`` for expected errors."""
    return PageWatch()


def _watched_page(browser: Any, watch: PageWatch, **options: Any) -> Iterator[Any]:
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    watch.attach(opened)
    try:
        yield opened
    finally:
        context.close()
    assert not watch.problems, "\n".join(watch.problems)


@pytest.fixture
def page(browser: Any, page_watch: PageWatch) -> Iterator[Any]:
    """A desktop-sized page in a fresh browser context; fails on CSP or script errors."""
    yield from _watched_page(browser, page_watch, viewport=DESKTOP, locale="en-GB")


@pytest.fixture
def phone_watch() -> PageWatch:
    """What the test's phone page reported (``phone_watch.allow(...)`` for expected errors)."""
    return PageWatch()


@pytest.fixture
def phone_page(browser: Any, phone_watch: PageWatch) -> Iterator[Any]:
    """A phone-sized page (390 x 844, touch, Spanish locale) in its own browser context."""
    yield from _watched_page(
        browser,
        phone_watch,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="es-US",
    )
