"""Authenticating the calling EHR: signed JWTs, as CDS Hooks 2.0 requires.

CDS Hooks 2.0, § Security and Safety → *Trusting CDS Clients*
(https://cds-hooks.hl7.org/2.0/#trusting-cds-clients): every call carries
``Authorization: Bearer <JWT>``; the header has ``alg``, ``kid`` and ``typ`` = ``JWT``
(``jku`` optional); the payload has ``iss``, ``aud`` (the URL of the endpoint called, a
string or a list), ``exp``, ``iat`` and ``jti`` ("a nonce … used to protect against replay
attacks"); "JWTs SHALL NOT be signed using the ``none`` algorithm" nor "any symmetric
algorithm"; "ES384 and RS384 are RECOMMENDED"; "CDS Services SHOULD maintain an allowlist of
the ``iss`` and ``jku`` fields". When ``jku`` is omitted the JWK Set is shared out of band.

Here:

- only **RS384 and ES384** are accepted;
- each trusted issuer is configured with its public **JWK Set** (out of band: a file or a
  dict). A ``jku`` header must be on that issuer's allow-list, and is never fetched — the
  keys always come from configuration, so a token cannot point us at an attacker's keys;
- ``aud`` must equal the URL of the endpoint being called;
- ``exp``, ``iat`` (and ``nbf`` when present) are checked against an **injected clock**
  with a small leeway; a token may live at most ``max_token_lifetime`` seconds (our policy,
  not the spec's: it bounds how long a ``jti`` must be remembered);
- each ``(iss, jti)`` is accepted once: the caller records it in the database until the
  token expires (``attunement.services.claim_token_use``), shared by every app process, in
  a bounded store that refuses new tokens rather than forget unexpired ones.

Every failure is an :class:`AuthenticationError` (HTTP 401); the message says which check
failed, which is what an integrator configuring the EHR needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import jwt
from pydantic import BaseModel, ConfigDict, Field, field_validator

from attunement.errors import AuthenticationError, ConfigurationError, quote

__all__ = [
    "ALLOWED_ALGORITHMS",
    "MAX_JTI_LENGTH",
    "CdsClientTrust",
    "Clock",
    "TrustedIssuer",
    "VerifiedClient",
    "verify_client_jwt",
]

ALLOWED_ALGORITHMS: tuple[str, ...] = ("RS384", "ES384")
Algorithm = Literal["RS384", "ES384"]
Clock = Callable[[], datetime]
#: The longest ``jti`` accepted (the column that remembers it holds 255 characters).
MAX_JTI_LENGTH = 255


class _Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TrustedIssuer(_Config):
    """One EHR we accept calls from: its ``iss`` and its public keys (a JWK Set).

    ``jku`` lists the JWK Set URLs its tokens may name in the ``jku`` header (the spec's
    allow-list); the URLs are compared, never fetched. ``tenants``, when given, restricts
    the optional ``tenant`` claim to these values.
    """

    iss: str = Field(min_length=1)
    jwks: dict[str, Any]
    jku: tuple[str, ...] = ()
    tenants: tuple[str, ...] = ()
    algorithms: tuple[Algorithm, ...] = ALLOWED_ALGORITHMS  # type: ignore[assignment]

    @field_validator("jwks")
    @classmethod
    def _jwks_has_public_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        keys = value.get("keys")
        if not isinstance(keys, list) or not keys:
            raise ValueError("jwks must be a JWK Set: an object with a non-empty 'keys' list")
        for key in keys:
            if not isinstance(key, dict) or not key.get("kid"):
                raise ValueError("every key in the JWK Set needs a 'kid'")
            if "d" in key:
                raise ValueError(
                    f"key {key['kid']!r} holds a private part ('d'); configure public keys only"
                )
        try:
            jwt.PyJWKSet.from_dict(value)
        except jwt.PyJWTError as exc:
            raise ValueError(f"jwks is not a usable JWK Set ({exc})") from None
        return value


class CdsClientTrust(_Config):
    """Who may call the CDS service and how strictly tokens are checked.

    ``service_base_url`` is the public base URL of Attunement (``aud`` is built from it:
    ``{service_base_url}/cds-services/...``). ``app_base_url`` is where the web app's
    patient pages live (card links); by default the same as ``service_base_url``.
    """

    service_base_url: str = Field(min_length=1)
    app_base_url: str | None = None
    issuers: tuple[TrustedIssuer, ...] = ()
    leeway_seconds: int = Field(default=30, ge=0, le=300)
    max_token_lifetime: int | None = Field(default=300, ge=1)
    replay_capacity: int = Field(default=10_000, ge=1)

    @field_validator("service_base_url", "app_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    def issuer(self, iss: str) -> TrustedIssuer | None:
        return next((i for i in self.issuers if i.iss == iss), None)

    def endpoint_url(self, path: str) -> str:
        """The absolute URL of an endpoint path such as ``/cds-services``."""
        return self.service_base_url + "/" + path.lstrip("/")

    @property
    def patient_pages_base(self) -> str:
        return self.app_base_url or self.service_base_url


class VerifiedClient(_Config):
    """Who called, once the token is proven: the issuer, the token id and the claims."""

    iss: str
    jti: str
    tenant: str | None = None
    subject: str | None = None
    expires_at: datetime


def verify_client_jwt(
    token: str,
    *,
    audience: str | tuple[str, ...],
    trust: CdsClientTrust,
    clock: Clock,
) -> VerifiedClient:
    """Verify a CDS Client's bearer JWT for a call to ``audience`` (one URL or several).

    Checks, in order: header (``typ`` JWT, ``kid``, ``alg`` RS384/ES384), issuer on the
    allow-list, ``jku`` allow-listed, signature with the issuer's configured key, ``aud``,
    ``exp``/``iat``/``nbf`` against ``clock()``, lifetime, ``jti`` and tenant. Whether the
    ``jti`` was used before is the caller's check, against state every process shares
    (``attunement.services.claim_token_use``): this function is pure.
    """
    header = _header(token)
    alg = header["alg"]
    claims = _unverified_claims(token)
    iss = claims.get("iss")
    issuer = trust.issuer(iss) if isinstance(iss, str) else None
    if issuer is None:
        raise AuthenticationError(f"token rejected: issuer {quote(iss)} is not trusted")
    if alg not in issuer.algorithms:
        raise AuthenticationError(f"token rejected: alg {alg} is not allowed for this issuer")
    jku = header.get("jku")
    if jku is not None and jku not in issuer.jku:
        raise AuthenticationError(f"token rejected: jku {quote(jku)} is not on the allow-list")
    key = _key_for(issuer, header["kid"], alg)
    audiences = (audience,) if isinstance(audience, str) else audience
    try:
        verified: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            audience=list(audiences),
            issuer=issuer.iss,
            options={
                "require": ["iss", "aud", "exp", "iat", "jti"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidAudienceError:
        raise AuthenticationError(
            f"token rejected: aud must be the endpoint URL {audiences[0]!r}"
        ) from None
    except jwt.MissingRequiredClaimError as exc:
        raise AuthenticationError(f"token rejected: claim {quote(exc.claim)} is missing") from None
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"token rejected: {exc}") from None
    expires_at = _check_times(verified, trust, clock)
    jti = verified["jti"]
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
        raise AuthenticationError(
            f"token rejected: jti must be a non-empty string of at most {MAX_JTI_LENGTH} characters"
        )
    tenant = verified.get("tenant")
    if issuer.tenants and tenant not in issuer.tenants:
        raise AuthenticationError(f"token rejected: tenant {quote(tenant)} is not allowed")
    subject = verified.get("sub")
    return VerifiedClient(
        iss=issuer.iss,
        jti=jti,
        tenant=tenant if isinstance(tenant, str) else None,
        subject=subject if isinstance(subject, str) else None,
        expires_at=expires_at,
    )


def _header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"token rejected: not a JWT ({exc})") from None
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise AuthenticationError(
            f"token rejected: alg {quote(alg)} is not allowed; "
            f"allowed: {', '.join(ALLOWED_ALGORITHMS)}"
        )
    if header.get("typ") != "JWT":
        raise AuthenticationError("token rejected: header typ must be 'JWT'")
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise AuthenticationError("token rejected: header kid is required")
    return header


def _unverified_claims(token: str) -> Mapping[str, Any]:
    # Read only to choose the issuer's keys; everything is verified with the signature next.
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"token rejected: unreadable payload ({exc})") from None
    return claims


def _key_for(issuer: TrustedIssuer, kid: str, alg: str) -> Any:
    for data in issuer.jwks["keys"]:
        if data.get("kid") != kid:
            continue
        declared = data.get("alg")
        if declared is not None and declared != alg:
            raise AuthenticationError(
                f"token rejected: key {quote(kid)} is for {declared}, not {alg}"
            )
        expected_kty = "RSA" if alg.startswith("RS") else "EC"
        if data.get("kty") != expected_kty:
            raise AuthenticationError(
                f"token rejected: key {quote(kid)} is not an {expected_kty} key"
            )
        try:
            return jwt.PyJWK(data, algorithm=alg).key
        except jwt.PyJWTError as exc:
            raise AuthenticationError(
                f"token rejected: key {quote(kid)} is unusable ({exc})"
            ) from None
    raise AuthenticationError(f"token rejected: no key with kid {quote(kid)} for this issuer")


def _timestamp(claims: Mapping[str, Any], name: str) -> datetime:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AuthenticationError(f"token rejected: {name} must be a number (seconds)")
    return datetime.fromtimestamp(value, tz=UTC)


def _check_times(claims: Mapping[str, Any], trust: CdsClientTrust, clock: Clock) -> datetime:
    now = clock()
    if now.tzinfo is None:
        raise ConfigurationError("clock", "must return a timezone-aware datetime")
    leeway = trust.leeway_seconds
    expires_at = _timestamp(claims, "exp")
    issued_at = _timestamp(claims, "iat")
    if (now - expires_at).total_seconds() > leeway:
        raise AuthenticationError("token rejected: expired (exp)")
    if (issued_at - now).total_seconds() > leeway:
        raise AuthenticationError("token rejected: issued in the future (iat)")
    if "nbf" in claims and (_timestamp(claims, "nbf") - now).total_seconds() > leeway:
        raise AuthenticationError("token rejected: not yet valid (nbf)")
    lifetime = (expires_at - issued_at).total_seconds()
    if trust.max_token_lifetime is not None and lifetime > trust.max_token_lifetime:
        raise AuthenticationError(
            f"token rejected: lives {int(lifetime)} s; at most {trust.max_token_lifetime} s allowed"
        )
    return expires_at
