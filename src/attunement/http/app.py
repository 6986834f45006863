"""The composition root: one FastAPI app for the REST API, the web pages and the rest.

``create_app(settings, engine=...)`` builds the service context (database, signing key,
clock, policy), the security headers, the error mapping and the routers. Every router of
the HTTP layer is mounted in :func:`include_routers`; they share the context
(``request.app.state.context``), the cookies and the CSRF helpers of
:mod:`attunement.http.deps`. FHIR and CDS Hooks (:mod:`attunement.http.interop`) are mounted there
too, configured from ``ATTUNE_PUBLIC_URL`` and ``ATTUNE_CDS_TRUST_FILE``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from attunement.cds_hooks import CdsClientTrust, load_client_trust
from attunement.errors import ConfigurationError
from attunement.fhir import FhirBase
from attunement.http._errors import install_error_handlers
from attunement.http._idempotency import IdempotencyMiddleware, document_idempotency
from attunement.http._limits import BodyLimitMiddleware, credentials_check
from attunement.http._middleware import SecurityHeadersMiddleware
from attunement.http._request_log import RequestLogMiddleware
from attunement.http._vocabularies import document_vocabularies
from attunement.http.api import API_ROUTERS
from attunement.http.deps import SESSION_COOKIE
from attunement.http.interop import include_interop
from attunement.http.kiosk import KioskLock
from attunement.http.reports import router as reports_router
from attunement.http.web import compile_templates, include_web, load_crisis_resources
from attunement.instruments import clinic_definitions, install_clinic_definitions
from attunement.security import (
    Passwords,
    SecurityPolicy,
    install_log_redaction,
    security_headers,
    serve_log_config,
)
from attunement.services import Clock, InputLimits, service_context
from attunement.settings import Settings, load_settings

__all__ = ["API_PREFIX", "create_app", "create_app_from_env", "include_routers", "warm_routes"]

API_PREFIX = "/api/v1"


def include_routers(app: FastAPI) -> None:
    """Mount every router: the REST API, the web pages, report downloads, FHIR and CDS Hooks.

    Interoperability reads ``app.state.settings``: ``ATTUNE_PUBLIC_URL`` (FHIR canonical
    URLs, card links, the CDS JWT audience) and ``ATTUNE_CDS_TRUST_FILE`` (loaded here, so a
    missing or invalid file stops the app at start with a ConfigurationError).
    """
    for router in API_ROUTERS:
        app.include_router(router)
    include_web(app)  # -- web pages (attunement.http.web)
    app.include_router(reports_router)  # -- report downloads: patient and clinic, PDF and HTML
    # -- FHIR R4 at /fhir, CDS Hooks at /cds-services (attunement.http.interop)
    settings: Settings = app.state.settings
    include_interop(
        app, cds_trust=_cds_trust(settings), fhir_base=FhirBase(base_url=settings.public_url)
    )


def _cds_trust(settings: Settings) -> CdsClientTrust | None:
    """The EHRs trusted to call CDS Hooks (``ATTUNE_CDS_TRUST_FILE``); None: every call 401."""
    if settings.cds_trust_file is None:
        return None
    try:
        return load_client_trust(settings.cds_trust_file, service_base_url=settings.public_url)
    except ConfigurationError as error:
        raise ConfigurationError("ATTUNE_CDS_TRUST_FILE", error.message) from None


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    policy: SecurityPolicy | None = None,
    passwords: Passwords | None = None,
    secure_cookies: bool = True,
) -> FastAPI:
    """Build the app on ``engine`` (default: the configured database, not migrated here).

    ``secure_cookies=False`` (cookies over plain http) is refused in production mode; it
    exists for the demo and development on ``http://127.0.0.1``. ``clock`` and ``policy``
    are for tests and deployments that tune lifetimes and lockout.
    """
    if not secure_cookies and settings.mode == "production":
        raise ConfigurationError(
            "secure cookies", "may be turned off only in demo or dev mode (ATTUNE_MODE)"
        )
    signing_key = settings.signing_key()  # refuses a missing or default secret in production
    # one definition per instrument for every route: the clinic's imported text and keys
    install_clinic_definitions(clinic_definitions(settings.data_dir))
    audit_keys = settings.audit_keyring()  # refuses a missing or weak audit key in production
    database = engine or settings.database_engine()
    app = FastAPI(
        title="Attunement",
        summary="Evidence-based responsiveness in psychotherapy: assess, tailor, monitor.",
        version="0.1.0",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc need inline scripts, which the CSP forbids
        redoc_url=None,
    )
    app.state.settings = settings
    # the page after a self-report: the clinic's crisis resources (a wrong file stops here)
    app.state.crisis_resources = load_crisis_resources(settings.data_dir)
    app.state.patient_sees_own_chart = settings.patient_sees_own_chart
    app.state.secure_cookies = secure_cookies
    app.state.context = service_context(
        database,
        signing_key=signing_key,
        clock=clock,
        policy=policy,
        passwords=passwords,
        audit_keys=audit_keys,
        audit_anchor_dir=settings.effective_audit_anchor_dir,
        caseness=settings.caseness_convention,
        overdue_days=settings.overdue_days,
        risk_escalation_hours=settings.risk_escalation_hours,
        clinic_language=settings.clinic_language,
        limits=InputLimits.from_settings(settings),
    )
    # innermost: reads bodies the limits let through; repeats answer the first result
    app.add_middleware(IdempotencyMiddleware, context=lambda: app.state.context)
    app.add_middleware(KioskLock)  # a device handed to a patient reaches only the kiosk
    app.add_middleware(  # inside the security headers, so its refusals carry them too
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        unverified_bytes=settings.max_unverified_body_bytes,
        check=credentials_check(lambda: app.state.context, SESSION_COOKIE),
    )
    headers = security_headers(https_only=secure_cookies and settings.mode == "production")
    app.add_middleware(SecurityHeadersMiddleware, headers=headers)
    app.add_middleware(RequestLogMiddleware, headers=headers)  # outermost: logs every answer
    install_error_handlers(app)
    app.state.security_headers = headers
    include_routers(app)
    document_idempotency(app)
    document_vocabularies(app, lambda: app.state.context.policy)
    return app


def warm_routes(app: FastAPI) -> None:
    """Prepare every route for requests now (``attune serve``), not on the first request.

    FastAPI prepares an included router's routes (their parameter and response models) the
    first time a request is matched against them: for this app a few hundred milliseconds,
    which the first requests of a newly started server all wait for at once under load.
    Matching a path that no route has against every route does that work before listening.
    The web pages' templates are compiled now too (:func:`compile_templates`).
    """
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": "/.well-known/attunement-start-up",
        "root_path": "",
        "query_string": b"",
        "headers": [],
    }
    for route in app.router.routes:
        route.matches(scope)
    compile_templates()


def create_app_from_env() -> FastAPI:
    """The app of one ``attune serve --workers N`` worker process (a uvicorn factory).

    uvicorn starts each worker in a fresh interpreter and calls this with no arguments, so
    everything comes from the ``ATTUNE_*`` environment the parent process set: the parent
    has already migrated the database, checked the settings and recomputed stale statuses,
    and it passes its command-line flags on as settings (``ATTUNE_DATABASE_URL``,
    ``ATTUNE_INSECURE_COOKIES``). The log redaction of ``attune serve`` is installed here too,
    as each worker configures its own logging.
    """
    install_log_redaction(*serve_log_config()["loggers"])
    settings = load_settings()
    app = create_app(settings, secure_cookies=not settings.insecure_cookies)
    warm_routes(app)
    return app
