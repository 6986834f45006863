"""The FHIR and CDS Hooks HTTP routes, mounted on the app built by ``create_app``.

``create_app`` calls ``include_interop(app, cds_trust=..., fhir_base=...)`` with the trust
loaded from ``ATTUNE_CDS_TRUST_FILE`` and the base URL ``ATTUNE_PUBLIC_URL``; it adds
``/fhir/...`` and ``/cds-services/...`` (see :mod:`attunement.interop._routes` for the table
of routes).
"""

from attunement.interop._routes import FHIR_JSON, include_interop, router

__all__ = ["FHIR_JSON", "include_interop", "router"]
