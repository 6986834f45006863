"""Sign-in resists guessing without letting a stranger lock a clinician out (issue 18).

Before: five wrong passwords from anywhere locked the account for everyone. Now failures
count per (account, address) pair, with a high per-account ceiling that spares addresses
the account signed in from before, and an address budget that spares them too.
"""

from __future__ import annotations

import contextlib

import pytest

from attunement.errors import AuthenticationError, InputError
from attunement.services import (
    ServiceContext,
    TooManyAttempts,
    UserCreate,
    create_user,
    login_for_token,
)
from tests.services.world import OPERATOR, PASSWORD, FakeClock, World

WRONG = "wrong password here"
HOME = "192.0.2.10"  # the clinician's usual address (documentation range, RFC 5737)


def _fail(ctx: ServiceContext, *, username: str = "ana", client: str) -> None:
    with pytest.raises(AuthenticationError):
        login_for_token(ctx, username=username, password=WRONG, client=client)


def test_failures_from_a_strangers_address_do_not_lock_the_clinician_out(
    ctx: ServiceContext, world: World
) -> None:
    for _ in range(ctx.policy.lockout_threshold * 3):
        with contextlib.suppress(AuthenticationError):
            login_for_token(ctx, username="ana", password=WRONG, client="203.0.113.7")
    with pytest.raises(TooManyAttempts):
        login_for_token(ctx, username="ana", password=PASSWORD, client="203.0.113.7")
    assert login_for_token(ctx, username="ana", password=PASSWORD, client=HOME).access_token


def test_the_account_ceiling_stops_a_distributed_guesser_but_not_a_known_address(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    login_for_token(ctx, username="ana", password=PASSWORD, client=HOME)
    per_address = ctx.policy.lockout_threshold - 1  # stay under every pair's lock
    addresses = -(-ctx.policy.account_threshold // per_address)
    for index in range(addresses):
        for _ in range(per_address):
            _fail(ctx, client=f"198.51.100.{index}")
    with pytest.raises(TooManyAttempts) as locked:
        login_for_token(ctx, username="ana", password=PASSWORD, client="198.51.100.250")
    assert locked.value.retry_after <= ctx.policy.account_lockout.total_seconds()
    assert login_for_token(ctx, username="ana", password=PASSWORD, client=HOME).access_token
    clock.advance(seconds=ctx.policy.account_lockout.total_seconds() + 1)
    assert login_for_token(ctx, username="ana", password=PASSWORD, client="198.51.100.250")


def test_an_address_spraying_many_accounts_is_stopped_except_for_known_accounts(
    ctx: ServiceContext, world: World
) -> None:
    office = "192.0.2.99"
    login_for_token(ctx, username="ben", password=PASSWORD, client=office)
    for index in range(ctx.policy.address_threshold):
        _fail(ctx, username=f"guess{index}", client=office)
    with pytest.raises(TooManyAttempts):
        login_for_token(ctx, username="ana", password=PASSWORD, client=office)
    assert login_for_token(ctx, username="ben", password=PASSWORD, client=office).access_token


def test_a_known_address_is_forgotten_after_its_period(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    login_for_token(ctx, username="ana", password=PASSWORD, client=HOME)
    clock.advance(seconds=ctx.policy.known_address_for.total_seconds() + 1)
    for index in range(ctx.policy.address_threshold):
        _fail(ctx, username=f"guess{index}", client=HOME)
    with pytest.raises(TooManyAttempts):
        login_for_token(ctx, username="ana", password=PASSWORD, client=HOME)


@pytest.mark.parametrize(
    "password",
    ["password12345678", "aaaaaaaaaaaaaaaa", "qwertyuiopasdfgh", "Password1234", "1234567890123"],
)
def test_a_guessable_password_is_refused_without_quoting_it(
    ctx: ServiceContext, world: World, password: str
) -> None:
    with pytest.raises(InputError) as refused:
        create_user(
            ctx,
            OPERATOR,
            UserCreate(
                username="weak",
                display_name="Weak",
                role="clinician",
                password=password,  # type: ignore[arg-type]
            ),
        )
    assert refused.value.field == "password"
    assert "guessable" in str(refused.value.allowed)
    assert password not in str(refused.value)


@pytest.mark.parametrize("password", [PASSWORD, "Tr0ub4dor&3x-q", "violet tractor mango cellar"])
def test_a_passphrase_or_a_random_password_is_accepted(
    ctx: ServiceContext, world: World, password: str
) -> None:
    created = create_user(
        ctx,
        OPERATOR,
        UserCreate(
            username="strong",
            display_name="Strong",
            role="clinician",
            password=password,  # type: ignore[arg-type]
        ),
    )
    assert login_for_token(ctx, username=created.username, password=password).access_token
