"""The FHIR and CDS Hooks HTTP routes, to mount on the app built by ``create_app``.

``include_interop(app, cds_trust=load_client_trust(path))`` adds ``/fhir/...`` and
``/cds-services/...`` (see :mod:`attunement.interop._routes` for the table of routes).
"""

from attunement.interop._routes import FHIR_JSON, include_interop, router

__all__ = ["FHIR_JSON", "include_interop", "router"]
