"""Sign-in for API clients: OAuth2 password form → bearer token; revoke it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from attunement.errors import AuthenticationError, Forbidden
from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor, bearer_token
from attunement.security import API_TOKEN_PREFIX
from attunement.services import TokenIssued, UserActor, login_for_token, revoke_token

router = APIRouter(
    prefix="/api/v1/auth",
    tags=["auth"],
    responses=error_responses(400, 401, 403, 413, 422, 429, 503),
)


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post("/token", response_model=TokenIssued)
def issue_token(
    request: Request,
    context: ContextDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenIssued:
    """Exchange username and password for a bearer token (expires; see ``expires_in``).

    Repeated failures lock sign-in for the username and the client address (429).
    """
    return login_for_token(
        context, username=form.username, password=form.password, client=_client(request)
    )


@router.post("/revoke", status_code=status.HTTP_204_NO_CONTENT)
def revoke(
    context: ContextDep,
    actor: CurrentActor,
    token: Annotated[str | None, Depends(bearer_token)],
) -> None:
    """Revoke the API token this request is made with; it stops working at once."""
    if not isinstance(actor, UserActor):
        raise Forbidden("only a clinic account's API token can be revoked here")
    if token is None or not token.startswith(f"{API_TOKEN_PREFIX}_"):
        raise AuthenticationError("send the API token to revoke as the bearer token")
    revoke_token(context, token)
