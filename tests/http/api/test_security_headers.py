"""Security headers on every response; cookies and CSRF for the web pages."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from attunement.errors import ConfigurationError
from attunement.http import create_app
from attunement.http.deps import (
    CSRF_HEADER,
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    ContextDep,
    CsrfProtected,
    WebActor,
    csrf_token_for,
    set_session_cookie,
)
from attunement.services import login_for_session
from tests.http.api.conftest import SECRET, app_settings
from tests.services.world import PASSWORD, FakeClock, World, build_world, fast_passwords

EXPECTED = {
    "content-security-policy": "default-src 'self'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _check_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in EXPECTED.items():
        assert value in headers[name], name
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/health"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/v1/patients"),  # 401
        ("GET", "/api/v1/patients/1"),  # 401 before 404
        ("GET", "/no/such/page"),  # 404
        ("DELETE", "/api/v1/caseload"),  # 405
        ("POST", "/api/v1/auth/token"),  # 422
    ],
)
def test_every_response_carries_the_security_headers(
    client: TestClient, method: str, path: str
) -> None:
    _check_headers(client.request(method, path))


def test_an_unexpected_error_is_a_bare_500_with_the_headers(engine: Engine) -> None:
    app = create_app(app_settings(), engine=engine)
    router = APIRouter()

    @router.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("Synthetic Patient Name leaked?")

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json()["detail"] == "internal error"
    assert "Synthetic" not in response.text
    _check_headers(response)


def test_production_refuses_insecure_cookies_and_a_missing_secret(engine: Engine) -> None:
    with pytest.raises(ConfigurationError):
        create_app(app_settings("production"), engine=engine, secure_cookies=False)
    with pytest.raises(ConfigurationError, match="ATTUNE_SECRET_KEY"):
        create_app(
            app_settings("production").model_copy(update={"secret_key": None}), engine=engine
        )
    app = create_app(app_settings("production"), engine=engine)
    with TestClient(app, base_url="https://testserver") as client:
        assert "max-age" in client.get("/api/v1/health").headers["strict-transport-security"]


@pytest.fixture
def web_app(engine: Engine) -> tuple[FastAPI, World, FakeClock]:
    """The app plus two page-like routes, as the web pages will use the dependencies."""
    clock = FakeClock()
    app = create_app(app_settings(), engine=engine, clock=clock, passwords=fast_passwords())
    router = APIRouter()

    @router.get("/page/login-form")
    def login_form(request: Request, response: Response) -> dict[str, str]:
        return {"csrf": csrf_token_for(request, response)}

    @router.post("/page/login")
    def login(
        request: Request,
        context: ContextDep,
        _: CsrfProtected,
        username: str = Form(),
        password: str = Form(),
    ) -> Response:
        issued = login_for_session(context, username=username, password=password)
        response = Response(status_code=303, headers={"Location": "/page/home"})
        set_session_cookie(request, response, issued)
        return response

    @router.post("/page/note")
    def note(actor: WebActor, _: CsrfProtected) -> dict[str, str]:
        return {"by": actor.username}

    app.include_router(router)
    app.state.page_errors = None  # plain status codes here, not the web pages' error pages
    return app, build_world(app.state.context), clock


def test_session_cookie_is_secure_httponly_samesite_lax(
    web_app: tuple[FastAPI, World, FakeClock],
) -> None:
    app, _, _ = web_app
    with TestClient(app, base_url="https://testserver") as client:
        csrf = client.get("/page/login-form").json()["csrf"]
        assert PRESESSION_COOKIE in client.cookies
        response = client.post(
            "/page/login",
            data={"username": "ana", "password": PASSWORD, "csrf_token": csrf},
            follow_redirects=False,
        )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=ses_")
    lowered = cookie.lower()
    assert "httponly" in lowered
    assert "secure" in lowered
    assert "samesite=lax" in lowered


def test_a_form_without_the_csrf_token_is_rejected(
    web_app: tuple[FastAPI, World, FakeClock],
) -> None:
    app, _, _ = web_app
    with TestClient(app, base_url="https://testserver") as client:
        client.get("/page/login-form")
        missing = client.post("/page/login", data={"username": "ana", "password": PASSWORD})
        forged = client.post(
            "/page/login", data={"username": "ana", "password": PASSWORD, "csrf_token": "0" * 64}
        )
    assert missing.status_code == forged.status_code == 403


def test_session_forms_need_the_sessions_csrf_token(
    web_app: tuple[FastAPI, World, FakeClock],
) -> None:
    app, _, clock = web_app
    issued = login_for_session(app.state.context, username="ana", password=PASSWORD)
    other = login_for_session(app.state.context, username="ben", password=PASSWORD)
    with TestClient(app, base_url="https://testserver") as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        assert client.post("/page/note", data={}).status_code == 403
        wrong = client.post("/page/note", data={"csrf_token": other.csrf_token})
        assert wrong.status_code == 403
        right = client.post("/page/note", data={"csrf_token": issued.csrf_token})
        assert right.status_code == 200
        assert right.json() == {"by": "ana"}
        clock.advance(minutes=31)
        idle = client.post("/page/note", data={"csrf_token": issued.csrf_token})
        assert idle.status_code == 401


def test_cookie_authenticated_api_writes_need_the_csrf_header(
    web_app: tuple[FastAPI, World, FakeClock],
) -> None:
    app, world, _ = web_app
    issued = login_for_session(app.state.context, username="ana", password=PASSWORD)
    body = {"instrument": "phq9", "answers": [0] * 9}
    path = f"/api/v1/episodes/{world.episode_a}/administrations"
    with TestClient(app, base_url="https://testserver") as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        assert client.get(f"/api/v1/patients/{world.patient_a}").status_code == 200
        assert client.post(path, json=body).status_code == 403
        ok = client.post(path, json=body, headers={CSRF_HEADER: issued.csrf_token})
        assert ok.status_code == 201


def test_the_secret_signs_csrf_tokens(web_app: tuple[FastAPI, World, FakeClock]) -> None:
    from attunement.security import csrf_token

    app, _, _ = web_app
    issued = login_for_session(app.state.context, username="ana", password=PASSWORD)
    assert issued.csrf_token == csrf_token(SECRET, issued.token)
