"""The CDS trust file (``ATTUNE_CDS_TRUST_FILE``): which EHRs may call, with their keys.

JSON or YAML, validated into :class:`~attunement.cds_hooks._auth.CdsClientTrust`
(unknown fields refused). Example::

    issuers:
      - iss: https://ehr.example.org/
        jwks: {keys: [{kty: EC, crv: P-384, kid: ehr-1, alg: ES384, x: ..., y: ...}]}
    app_base_url: https://attunement.clinic.example   # optional: card links
    leeway_seconds: 30                                 # optional

``service_base_url`` (the JWT audience base) comes from ``ATTUNE_PUBLIC_URL`` when the app
loads the file; the file may omit it.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from attunement.cds_hooks._auth import CdsClientTrust
from attunement.errors import ConfigurationError, field_problems

__all__ = ["load_client_trust"]


def load_client_trust(path: Path, *, service_base_url: str | None = None) -> CdsClientTrust:
    """Read the trust configuration from a JSON or YAML file; errors name the file and field.

    ``service_base_url`` is the server's public URL (``ATTUNE_PUBLIC_URL``): it fills in a
    file that names none, and a file naming a different one is refused — every token's
    ``aud`` would be checked against a URL the EHRs are not calling.
    """
    setting = f"CDS trust file {str(path)!r}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(setting, f"cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ConfigurationError(setting, f"is not valid JSON/YAML ({exc})") from None
    if service_base_url is not None and isinstance(data, dict):
        data = {"service_base_url": service_base_url} | data
    try:
        trust = CdsClientTrust.model_validate(data)
    except ValidationError as exc:
        first = field_problems(exc)[0]
        raise ConfigurationError(setting, f"{first.field or 'file'}: {first.message}") from None
    if service_base_url is not None and trust.service_base_url != service_base_url.rstrip("/"):
        raise ConfigurationError(
            setting,
            f"service_base_url {trust.service_base_url!r} differs from the public URL "
            f"{service_base_url!r} (ATTUNE_PUBLIC_URL); remove it from the file or make "
            "them equal",
        )
    return trust
