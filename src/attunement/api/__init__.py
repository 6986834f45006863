"""The REST API (FastAPI) under ``/api/v1``, OpenAPI at ``/api/v1/openapi.json``.

Routes only translate HTTP; the use cases, access checks and audit live in
:mod:`attunement.services`. The web pages reuse :func:`create_app` and :mod:`.deps`.
"""

from attunement.api._app import API_PREFIX, create_app, create_app_from_env, include_routers
from attunement.api._idempotency import FORM_TOKEN_FIELD, IDEMPOTENCY_HEADER, request_body

__all__ = [
    "API_PREFIX",
    "FORM_TOKEN_FIELD",
    "IDEMPOTENCY_HEADER",
    "create_app",
    "create_app_from_env",
    "include_routers",
    "request_body",
]
