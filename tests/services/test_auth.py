"""Sign-in: Argon2id with rehash, no timing oracle, lockout, token and session lifetimes."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from attunement.errors import AuthenticationError, InputError
from attunement.security import Passwords
from attunement.services import (
    ServiceContext,
    TooManyAttempts,
    UserActor,
    actor_for_session,
    actor_for_token,
    deactivate_user,
    end_session,
    login_for_session,
    login_for_token,
    revoke_token,
    service_context,
)
from attunement.store import AuditEntry, User
from tests.services.world import PASSWORD, FakeClock, World, fast_passwords


def _last_audit(ctx: ServiceContext) -> AuditEntry:
    with ctx.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry is not None
    return entry


def test_a_token_signs_in_as_the_user(ctx: ServiceContext, world: World) -> None:
    issued = login_for_token(ctx, username="ana", password=PASSWORD)
    assert issued.token_type == "bearer"
    assert issued.access_token.startswith("atk_")
    actor = actor_for_token(ctx, issued.access_token)
    assert actor == world.ana
    entry = _last_audit(ctx)
    assert (entry.action, entry.outcome, entry.actor) == ("login", "success", world.ana.audit_name)


def test_passwords_are_stored_as_argon2id(ctx: ServiceContext, world: World) -> None:
    with ctx.sessions() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == "ana")).one()
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_a_wrong_password_fails_and_is_audited(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(AuthenticationError, match="incorrect username or password"):
        login_for_token(ctx, username="ana", password="wrong password here")
    entry = _last_audit(ctx)
    assert (entry.action, entry.outcome) == ("login", "failure")


class CountingHasher(PasswordHasher):
    """Argon2id with tiny costs that records which hashes it verified."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified.append(str(hash))
        return super().verify(hash, password)


def test_an_unknown_user_costs_a_hash_verification_too(
    engine: Engine, world: World, clock: FakeClock
) -> None:
    hasher = CountingHasher()
    counting = service_context(
        engine, signing_key="k" * 32, clock=clock, passwords=Passwords(hasher)
    )
    with pytest.raises(AuthenticationError, match="incorrect username or password"):
        login_for_token(counting, username="nobody", password=PASSWORD)
    with pytest.raises(AuthenticationError, match="incorrect username or password"):
        login_for_token(counting, username="ana", password="wrong password here")
    assert len(hasher.verified) == 2
    assert hasher.verified[0].startswith("$argon2id$")


def test_the_hash_is_renewed_on_sign_in_when_parameters_change(
    engine: Engine, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    stronger = service_context(
        engine,
        signing_key="test-signing-key-0123456789abcdef",
        clock=clock,
        passwords=fast_passwords(time_cost=2),
    )
    login_for_token(stronger, username="ana", password=PASSWORD)
    with ctx.sessions() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == "ana")).one()
    assert stored is not None
    assert "t=2" in stored
    assert not stronger.passwords.hasher.check_needs_rehash(stored)
    assert PasswordHasher().verify(stored, PASSWORD)


def test_five_failures_lock_the_username_even_with_the_right_password(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    for _ in range(ctx.policy.lockout_threshold):
        with pytest.raises(AuthenticationError):
            login_for_token(ctx, username="ana", password="wrong password here")
    with pytest.raises(TooManyAttempts) as locked:
        login_for_token(ctx, username="ana", password=PASSWORD)
    assert 0 < locked.value.retry_after <= ctx.policy.lockout_duration.total_seconds()
    assert _last_audit(ctx).outcome == "locked"
    login_for_token(ctx, username="ben", password=PASSWORD)  # other accounts unaffected
    clock.advance(seconds=ctx.policy.lockout_duration.total_seconds() + 1)
    assert actor_for_token(
        ctx, login_for_token(ctx, username="ana", password=PASSWORD).access_token
    )


def test_unknown_usernames_lock_the_same_way(ctx: ServiceContext, world: World) -> None:
    for _ in range(ctx.policy.lockout_threshold):
        with pytest.raises(AuthenticationError):
            login_for_token(ctx, username="ghost", password="wrong password here")
    with pytest.raises(TooManyAttempts):
        login_for_token(ctx, username="ghost", password="wrong password here")


def test_failures_outside_the_window_do_not_add_up(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    for _ in range(ctx.policy.lockout_threshold - 1):
        with pytest.raises(AuthenticationError):
            login_for_token(ctx, username="ana", password="wrong password here")
    clock.advance(seconds=ctx.policy.lockout_window.total_seconds() + 1)
    with pytest.raises(AuthenticationError):
        login_for_token(ctx, username="ana", password="wrong password here")
    login_for_token(ctx, username="ana", password=PASSWORD)


def test_one_client_address_is_limited_across_usernames(ctx: ServiceContext, world: World) -> None:
    for index in range(ctx.policy.address_threshold):
        with pytest.raises(AuthenticationError):
            login_for_token(ctx, username=f"guess{index}", password="x" * 12, client="10.0.0.9")
    with pytest.raises(TooManyAttempts):
        login_for_token(ctx, username="ana", password=PASSWORD, client="10.0.0.9")
    login_for_token(ctx, username="ana", password=PASSWORD, client="10.0.0.10")


def test_api_tokens_expire(ctx: ServiceContext, world: World, clock: FakeClock) -> None:
    token = login_for_token(ctx, username="ana", password=PASSWORD).access_token
    clock.advance(seconds=ctx.policy.api_token_lifetime.total_seconds() - 1)
    actor_for_token(ctx, token)
    clock.advance(seconds=1)
    with pytest.raises(AuthenticationError):
        actor_for_token(ctx, token)


def test_a_revoked_token_stops_working(ctx: ServiceContext, world: World) -> None:
    token = login_for_token(ctx, username="ana", password=PASSWORD).access_token
    revoke_token(ctx, token)
    with pytest.raises(AuthenticationError):
        actor_for_token(ctx, token)
    assert _last_audit(ctx).action == "token.revoke"


def test_deactivation_revokes_tokens_and_sessions(ctx: ServiceContext, world: World) -> None:
    token = login_for_token(ctx, username="ana", password=PASSWORD).access_token
    session = login_for_session(ctx, username="ana", password=PASSWORD).token
    deactivate_user(ctx, world.admin, world.ana.user_id)
    with pytest.raises(AuthenticationError):
        actor_for_token(ctx, token)
    with pytest.raises(AuthenticationError):
        actor_for_session(ctx, session)
    with pytest.raises(AuthenticationError):
        login_for_token(ctx, username="ana", password=PASSWORD)


def test_a_forged_token_is_refused(ctx: ServiceContext, world: World) -> None:
    for forged in ("atk_" + "A" * 43, "nonsense", ""):
        with pytest.raises(AuthenticationError):
            actor_for_token(ctx, forged)


def test_web_sessions_expire_when_idle(ctx: ServiceContext, world: World, clock: FakeClock) -> None:
    issued = login_for_session(ctx, username="ana", password=PASSWORD)
    assert issued.csrf_token
    assert issued.token.startswith("ses_")
    for _ in range(3):  # activity keeps it alive past the idle limit in total
        clock.advance(minutes=29)
        assert isinstance(actor_for_session(ctx, issued.token), UserActor)
    clock.advance(minutes=31)
    with pytest.raises(AuthenticationError):
        actor_for_session(ctx, issued.token)


def test_web_sessions_end_after_their_lifetime_even_when_active(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    issued = login_for_session(ctx, username="ana", password=PASSWORD)
    steps = int(ctx.policy.session_lifetime.total_seconds() // 1500)
    for _ in range(steps):
        clock.advance(minutes=25)
        actor_for_session(ctx, issued.token)
    clock.advance(minutes=25)
    with pytest.raises(AuthenticationError):
        actor_for_session(ctx, issued.token)


def test_signing_out_ends_the_session(ctx: ServiceContext, world: World) -> None:
    issued = login_for_session(ctx, username="ana", password=PASSWORD)
    end_session(ctx, issued.token)
    with pytest.raises(AuthenticationError):
        actor_for_session(ctx, issued.token)
    assert _last_audit(ctx).action == "logout"


@pytest.mark.parametrize("username", ["a\x00b", "an\x01a", "\x7fana"])
def test_a_username_with_a_control_character_is_refused_naming_the_field_and_nothing_is_stored(
    ctx: ServiceContext, world: World, username: str
) -> None:
    """No account's name holds one, and PostgreSQL stores no NUL: refused before the
    throttle or the audit trail would store the name (it once answered 500)."""
    before = _last_audit(ctx).seq
    for sign_in in (login_for_token, login_for_session):
        with pytest.raises(InputError) as refused:
            sign_in(ctx, username=username, password=PASSWORD)
        assert refused.value.field == "username"
        assert "control characters" in refused.value.allowed
    assert _last_audit(ctx).seq == before
    assert login_for_token(ctx, username="ana", password=PASSWORD).access_token  # still works
