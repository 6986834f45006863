"""The EHR's JWT, checked as CDS Hooks 2.0 § Trusting CDS Clients requires."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt
import pytest
from tests.support.interop import EHR_ISS, SERVICE_BASE, EhrKeys, FakeClock, a_trust, load_fixture

from attunement.cds_hooks import (
    MAX_JTI_LENGTH,
    CdsClientTrust,
    TrustedIssuer,
    load_client_trust,
    verify_client_jwt,
)
from attunement.errors import AuthenticationError, ConfigurationError

SERVICE_URL = f"{SERVICE_BASE}/cds-services/attunement-patient-view"


def verify(token: str, trust: CdsClientTrust, clock: FakeClock):
    return verify_client_jwt(token, audience=SERVICE_URL, trust=trust, clock=clock)


def test_the_specifications_own_es384_example_token_is_accepted() -> None:
    example = load_fixture("cds_hooks/jwt-example.json")
    trust = CdsClientTrust(
        service_base_url="https://cds.example.org",
        issuers=(
            TrustedIssuer(
                iss=example["payload"]["iss"],
                jwks=example["jwks"],
                jku=(example["header"]["jku"],),
            ),
        ),
        max_token_lifetime=None,  # the example lives from 2011 to 2015
    )
    clock = FakeClock(datetime(2015, 1, 1, tzinfo=UTC))
    client = verify_client_jwt(
        example["token"],
        audience=example["payload"]["aud"],
        trust=trust,
        clock=clock,
    )
    assert client.iss == "https://fhir-ehr.example.com/"
    assert client.jti == "ee22b021-e1b7-4611-ba5b-8eec6a33ac1e"
    assert client.tenant == "2ddd6c3a-8e9a-44c6-a305-52111ad302a2"
    assert client.subject == "client_id"


def test_the_specifications_example_token_is_refused_after_its_exp() -> None:
    example = load_fixture("cds_hooks/jwt-example.json")
    trust = CdsClientTrust(
        service_base_url="https://cds.example.org",
        issuers=(
            TrustedIssuer(
                iss=example["payload"]["iss"], jwks=example["jwks"], jku=(example["header"]["jku"],)
            ),
        ),
        max_token_lifetime=None,
    )
    clock = FakeClock(datetime(2015, 2, 1, tzinfo=UTC))
    with pytest.raises(AuthenticationError, match="expired"):
        verify_client_jwt(
            example["token"],
            audience=example["payload"]["aud"],
            trust=trust,
            clock=clock,
        )


def test_a_jku_not_on_the_allow_list_is_refused_even_with_a_valid_signature() -> None:
    example = load_fixture("cds_hooks/jwt-example.json")
    trust = CdsClientTrust(
        service_base_url="https://cds.example.org",
        issuers=(TrustedIssuer(iss=example["payload"]["iss"], jwks=example["jwks"]),),
        max_token_lifetime=None,
    )
    clock = FakeClock(datetime(2015, 1, 1, tzinfo=UTC))
    with pytest.raises(AuthenticationError, match="jku"):
        verify_client_jwt(
            example["token"],
            audience=example["payload"]["aud"],
            trust=trust,
            clock=clock,
        )


@pytest.mark.parametrize("alg", ["ES384", "RS384"])
def test_rs384_and_es384_tokens_from_a_trusted_issuer_are_accepted(
    alg: str, ehr_keys: EhrKeys, trust: CdsClientTrust, clock: FakeClock
) -> None:
    token = ehr_keys.sign(aud=SERVICE_URL, now=clock(), alg=alg)
    assert verify(token, trust, clock).iss == EHR_ISS


def test_aud_may_be_a_list_holding_the_endpoint_url(
    ehr_keys: EhrKeys, trust: CdsClientTrust, clock: FakeClock
) -> None:
    token = ehr_keys.sign(aud=[SERVICE_URL], now=clock())
    assert verify(token, trust, clock).iss == EHR_ISS


def test_a_jti_longer_than_the_replay_store_holds_is_refused(
    ehr_keys: EhrKeys, trust: CdsClientTrust, clock: FakeClock
) -> None:
    token = ehr_keys.sign(aud=SERVICE_URL, now=clock(), jti="j" * (MAX_JTI_LENGTH + 1))
    with pytest.raises(AuthenticationError, match=f"at most {MAX_JTI_LENGTH} characters"):
        verify(token, trust, clock)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"aud": f"{SERVICE_BASE}/cds-services/other"}, "aud"),
        ({"iss": "https://rogue.example/"}, "not trusted"),
        ({"drop": ("jti",)}, "jti"),
        ({"drop": ("iat",)}, "iat"),
        ({"drop": ("exp",)}, "exp"),
        ({"kid": "unknown-kid"}, "kid"),
        ({"lifetime": 3600}, "at most 300 s"),
        ({"nbf": 4102444800}, "not yet valid"),
        ({"headers": {"jku": "https://attacker.example/jwks"}}, "jku"),
    ],
)
def test_tokens_that_break_a_rule_are_refused_naming_the_rule(
    change: dict[str, object],
    message: str,
    ehr_keys: EhrKeys,
    trust: CdsClientTrust,
    clock: FakeClock,
) -> None:
    token = ehr_keys.sign(aud=change.pop("aud", SERVICE_URL), now=clock(), **change)  # type: ignore[arg-type]
    with pytest.raises(AuthenticationError, match=message):
        verify(token, trust, clock)


def test_an_expired_token_is_refused(
    ehr_keys: EhrKeys, trust: CdsClientTrust, clock: FakeClock
) -> None:
    token = ehr_keys.sign(aud=SERVICE_URL, now=clock(), lifetime=60)
    clock.advance(seconds=60 + trust.leeway_seconds + 1)
    with pytest.raises(AuthenticationError, match="expired"):
        verify(token, trust, clock)


def test_a_token_issued_in_the_future_is_refused(
    ehr_keys: EhrKeys, trust: CdsClientTrust, clock: FakeClock
) -> None:
    token = ehr_keys.sign(aud=SERVICE_URL, now=clock(), lifetime=60)
    clock.advance(seconds=-(trust.leeway_seconds + 5))
    with pytest.raises(AuthenticationError, match="future"):
        verify(token, trust, clock)


@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS384"])
def test_algorithms_other_than_rs384_and_es384_are_refused(
    alg: str, ehr_keys: EhrKeys, trust: CdsClientTrust, clock: FakeClock
) -> None:
    if alg == "ES256":
        from cryptography.hazmat.primitives.asymmetric import ec

        claims = {"iss": EHR_ISS, "aud": SERVICE_URL, "iat": 1, "exp": 2, "jti": "x"}
        key = ec.generate_private_key(ec.SECP256R1())
        token = jwt.encode(claims, key, algorithm=alg, headers={"kid": "ec-1"})
    else:
        token = ehr_keys.sign(aud=SERVICE_URL, now=clock(), alg=alg)
    with pytest.raises(AuthenticationError, match="alg"):
        verify(token, trust, clock)


def test_symmetric_and_unsigned_tokens_are_refused(trust: CdsClientTrust, clock: FakeClock) -> None:
    claims = {"iss": EHR_ISS, "aud": SERVICE_URL, "iat": 1, "exp": 2, "jti": "x"}
    for token in (
        jwt.encode(
            claims,
            "a-shared-secret-long-enough-for-hs384-0123456789ab",
            algorithm="HS384",
            headers={"kid": "ec-1"},
        ),
        jwt.encode(claims, None, algorithm="none", headers={"kid": "ec-1"}),
    ):
        with pytest.raises(AuthenticationError, match="alg"):
            verify(token, trust, clock)


def test_a_token_signed_with_another_key_under_a_trusted_kid_is_refused(
    trust: CdsClientTrust, clock: FakeClock
) -> None:
    impostor = EhrKeys()
    token = impostor.sign(aud=SERVICE_URL, now=clock())
    with pytest.raises(AuthenticationError, match=r"[Ss]ignature"):
        verify(token, trust, clock)


def test_an_rsa_key_cannot_verify_an_es384_token(
    ehr_keys: EhrKeys, trust: CdsClientTrust, clock: FakeClock
) -> None:
    token = ehr_keys.sign(aud=SERVICE_URL, now=clock(), alg="ES384", kid="rsa-1")
    with pytest.raises(AuthenticationError, match="rsa-1"):
        verify(token, trust, clock)


def test_tenant_claims_can_be_restricted(ehr_keys: EhrKeys, clock: FakeClock) -> None:
    trust = CdsClientTrust(
        service_base_url=SERVICE_BASE,
        issuers=(TrustedIssuer(iss=EHR_ISS, jwks=ehr_keys.jwks(), tenants=("clinic-a",)),),
    )
    assert (
        verify(ehr_keys.sign(aud=SERVICE_URL, now=clock(), tenant="clinic-a"), trust, clock).tenant
        == "clinic-a"
    )
    with pytest.raises(AuthenticationError, match="tenant"):
        verify(ehr_keys.sign(aud=SERVICE_URL, now=clock(), tenant="clinic-b"), trust, clock)


def test_a_private_key_in_the_trust_configuration_is_refused() -> None:
    example = load_fixture("cds_hooks/jwt-example.json")
    with pytest.raises(ValueError, match="private"):
        TrustedIssuer(iss="https://x.example/", jwks={"keys": [example["private_jwk"]]})


def test_the_trust_file_is_read_from_yaml_and_errors_name_the_field(
    tmp_path, ehr_keys: EhrKeys
) -> None:
    import yaml

    path = tmp_path / "cds-trust.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "service_base_url": SERVICE_BASE + "/",
                "issuers": [{"iss": EHR_ISS, "jwks": ehr_keys.jwks()}],
            }
        )
    )
    loaded = load_client_trust(path)
    assert loaded.service_base_url == SERVICE_BASE
    assert loaded.issuer(EHR_ISS) is not None
    path.write_text(
        yaml.safe_dump(
            {"service_base_url": SERVICE_BASE, "issuers": [{"iss": EHR_ISS, "jwks": {}}]}
        )
    )
    with pytest.raises(ConfigurationError, match=r"issuers\[0\]\.jwks"):
        load_client_trust(path)


def test_trust_defaults_are_secure(ehr_keys: EhrKeys) -> None:
    trust = a_trust(ehr_keys)
    assert trust.max_token_lifetime == 300
    assert trust.issuers[0].algorithms == ("RS384", "ES384")
