"""Helpers for the interop tests: fixtures from the specs, schema checks, EHR keys, a clock."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from attunement.cds_hooks import CdsClientTrust, TrustedIssuer, cds_schema
from tests.services.world import FakeClock

FIXTURES = Path(__file__).parent / "interop_fixtures"
SERVICE_BASE = "https://attunement.example"
EHR_ISS = "https://ehr.example.org/"


def load_fixture(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def assert_valid(schema_name: str, message: Any) -> None:
    """Fail with the JSON path of every violation of our CDS Hooks schema."""
    validator = jsonschema.Draft202012Validator(
        cds_schema(schema_name),  # type: ignore[arg-type]
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    problems = [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in validator.iter_errors(message)
    ]
    assert not problems, problems


class EhrKeys:
    """An EHR's signing keys (EC P-384 and RSA 2048) and a helper to sign CDS Hooks JWTs."""

    def __init__(self) -> None:
        self.ec_private = ec.generate_private_key(ec.SECP384R1())
        self.rsa_private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec_private.public_key()))
        rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.rsa_private.public_key()))
        ec_jwk.update(kid="ec-1", alg="ES384", use="sig")
        rsa_jwk.update(kid="rsa-1", alg="RS384", use="sig")
        return {"keys": [ec_jwk, rsa_jwk]}

    def sign(
        self,
        *,
        aud: str | list[str],
        now: datetime,
        alg: str = "ES384",
        kid: str | None = None,
        iss: str = EHR_ISS,
        lifetime: int = 60,
        jti: str | None = None,
        drop: tuple[str, ...] = (),
        headers: dict[str, Any] | None = None,
        **extra: Any,
    ) -> str:
        payload: dict[str, Any] = {
            "iss": iss,
            "aud": aud,
            "iat": int(now.timestamp()),
            "exp": int(now.timestamp()) + lifetime,
            "jti": jti or str(uuid.uuid4()),
            **extra,
        }
        for name in drop:
            payload.pop(name, None)
        key = self.ec_private if alg.startswith("ES") else self.rsa_private
        kid = kid or ("ec-1" if alg.startswith("ES") else "rsa-1")
        return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, **(headers or {})})


def a_clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))


def a_trust(keys: EhrKeys, **overrides: Any) -> CdsClientTrust:
    return CdsClientTrust(
        service_base_url=SERVICE_BASE,
        issuers=(TrustedIssuer(iss=EHR_ISS, jwks=keys.jwks()),),
        **overrides,
    )


def app_trusting_the_ehr(
    engine: Any, clock: Any, keys: EhrKeys, folder: Path, *, base: str = "https://testserver"
) -> Any:
    """The real app with a CDS trust file that lists the test EHR (and fast test passwords)."""
    from attunement.http import create_app
    from attunement.settings import Settings
    from tests.services.world import fast_passwords

    trust_file = folder / "cds-trust.json"
    trust_file.write_text(json.dumps({"issuers": [{"iss": EHR_ISS, "jwks": keys.jwks()}]}))
    settings = Settings(
        mode="dev",
        secret_key="interop-test-secret-0123456789",  # type: ignore[arg-type]
        public_url=base,
        cds_trust_file=trust_file,
    )
    return create_app(settings, engine=engine, clock=clock, passwords=fast_passwords())


# -- fixtures, shared by tests/cds_hooks and tests/http/interop through their conftest.py


@pytest.fixture(scope="session")
def ehr_keys() -> EhrKeys:
    return EhrKeys()


@pytest.fixture
def trust(ehr_keys: EhrKeys) -> CdsClientTrust:
    return a_trust(ehr_keys)


@pytest.fixture
def clock() -> FakeClock:
    return a_clock()
