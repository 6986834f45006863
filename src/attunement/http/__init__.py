"""The HTTP layer: every route (REST API, web pages, FHIR, CDS Hooks, report downloads).

One composition root, :mod:`attunement.http.app` (``create_app``, ``create_app_from_env``),
assembles the routers of :mod:`.api` (the REST API under ``/api/v1``, OpenAPI at
``/api/v1/openapi.json``), :mod:`.web` (server-rendered pages), :mod:`.interop` (FHIR and
CDS Hooks) and :mod:`.reports` (report downloads). What they share — the request context,
authentication, CSRF, error mapping, idempotency, limits, security headers — lives in this
package (:mod:`.deps` and its private modules). Routes only translate HTTP; the use cases,
access checks and audit live in :mod:`attunement.services`.
"""

from attunement.http._idempotency import FORM_TOKEN_FIELD, IDEMPOTENCY_HEADER, request_body
from attunement.http.app import API_PREFIX, create_app, create_app_from_env, include_routers

__all__ = [
    "API_PREFIX",
    "FORM_TOKEN_FIELD",
    "IDEMPOTENCY_HEADER",
    "create_app",
    "create_app_from_env",
    "include_routers",
    "request_body",
]
