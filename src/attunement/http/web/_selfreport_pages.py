"""The patient's self-report form behind a single-use, expiring invitation link.

The token in the path is the only credential: it opens the due questionnaires of that one
invitation, in the invitation's language, and nothing else (no clinic cookie is read or
set here). The form's CSRF token is bound to the invitation token. Submitting scores and
stores every questionnaire at once and spends the link (``services.submit_self_report``),
so the answers are on the clinician's page immediately; the page that follows
(``/self-report/{token}/done``) shows the clinic's crisis resources when a risk item was
endorsed, else a thank-you (:mod:`._outcome`). The kiosk (:mod:`._kiosk_pages`) serves the
same form and pages from its cookie instead of the path.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from attunement.errors import AuthenticationError, Forbidden, InputError
from attunement.http.deps import CSRF_FIELD, ContextDep, verify_csrf
from attunement.http.web._forms import AnswerEntry, FormError, form_strings, read_answers
from attunement.http.web._outcome import outcome_page, own_chart_response, shows_own_chart
from attunement.http.web._questionnaires import questionnaire_view
from attunement.http.web._rendering import ROUTES, gone_page, redirect, render, url
from attunement.i18n import resolve_language, translate
from attunement.instruments import load_instrument
from attunement.services import (
    InvitationActor,
    SelfReportResponse,
    SelfReportSubmission,
    describe_invitation,
    open_invitation,
    self_report_outcome,
    submit_self_report,
)

__all__ = ["form_page", "router", "submit_answers"]

router = APIRouter(include_in_schema=False)


def _open(context: ContextDep, token: str) -> InvitationActor | None:
    try:
        return open_invitation(context, token[:200])
    except AuthenticationError:
        return None


def form_page(
    request: Request,
    token: str,
    actor: InvitationActor,
    entries: dict[str, AnswerEntry] | None = None,
    *,
    synthetic: bool,
    extra: list[str] | None = None,
    status_code: int = 200,
    action: str | None = None,
) -> Response:
    language = actor.language
    lang = resolve_language(language)
    entries = entries or {}
    forms = []
    errors: list[FormError] = []
    for instrument in actor.instruments:
        definition = load_instrument(instrument)
        entry = entries.get(instrument)
        view = questionnaire_view(
            definition,
            language=language,
            raw=entry.raw if entry else None,
            errors=entry.errors if entry else None,
            show_values=False,
            required=True,
        )
        forms.append(view)
        errors += [FormError(q.error, f"q-{view.prefix}-{q.id}") for q in view.questions if q.error]
    errors += [FormError(message) for message in extra or []]
    return render(
        request,
        "selfreport/form.html",
        status_code=status_code,
        lang=lang,
        title=translate("Your questionnaires", lang),
        csrf_binding=token,
        action=action or url("self_report", token=token),
        forms=forms,
        errors=errors,
        first_name=None,
        synthetic=synthetic,  # the SYNTHETIC banner of base.html, in the patient's language
    )


@router.get(ROUTES["self_report"], response_class=HTMLResponse)
def self_report_page(request: Request, context: ContextDep, token: str) -> Response:
    actor = _open(context, token)
    if actor is None:
        return gone_page(request)
    view = describe_invitation(context, actor)  # audited as the patient opening the link
    return form_page(request, token, actor, synthetic=view.synthetic)


@router.post(ROUTES["self_report"], response_class=HTMLResponse)
async def submit(request: Request, context: ContextDep, token: str) -> Response:
    return await submit_answers(
        request,
        context,
        token,
        action=url("self_report", token=token),
        done=url("self_report_done", token=token),
    )


def _sent(context: ContextDep, token: str) -> bool:
    """The link's answers were sent a moment ago (a second tap, or two taps at once)."""
    try:
        self_report_outcome(context, token)
    except AuthenticationError:
        return False
    return True


async def submit_answers(
    request: Request, context: ContextDep, token: str, *, action: str, done: str
) -> Response:
    """Score and store the answers sent through ``token`` and go to ``done``; the form
    again with its errors when an answer is missing. A repeat of a form already sent (a
    double tap, whatever its timing) goes to the same ``done`` page: one administration."""
    values = form_strings(await request.form())
    actor = _open(context, token)
    if actor is None:
        return redirect(request, done) if _sent(context, token) else gone_page(request)
    lang = resolve_language(actor.language)

    def again(
        entries: dict[str, AnswerEntry] | None, extra: list[str] | None, status_code: int
    ) -> Response:
        synthetic = describe_invitation(context, actor).synthetic  # shown again: audited
        return form_page(
            request,
            token,
            actor,
            entries,
            synthetic=synthetic,
            extra=extra,
            status_code=status_code,
            action=action,
        )

    try:
        verify_csrf(request, values.get(CSRF_FIELD), binding=token)
    except Forbidden:
        return again(
            None,
            [translate("The page was open too long. Please answer again and send.", lang)],
            403,
        )
    entries = {
        instrument: read_answers(
            values,
            load_instrument(instrument),
            unanswered=translate("Please choose an answer for question %(n)s.", lang),
            invalid=translate("Question %(n)s: please choose one of the answers shown.", lang),
        )
        for instrument in actor.instruments
    }
    if any(entry.errors for entry in entries.values()):
        return again(entries, None, 422)
    submission = SelfReportSubmission(
        responses=[SelfReportResponse(instrument=i, answers=e.answers) for i, e in entries.items()]
    )
    try:
        submit_self_report(context, actor, submission)
    except AuthenticationError:  # spent by the other of two taps meanwhile
        return redirect(request, done) if _sent(context, token) else gone_page(request)
    except InputError:
        return again(entries, [translate("Some answers are missing or not valid", lang)], 422)
    return redirect(request, done)


@router.get(ROUTES["self_report_done"], response_class=HTMLResponse)
def self_report_done(request: Request, context: ContextDep, token: str) -> Response:
    """After sending: the clinic's crisis resources if a risk item was endorsed, else thanks
    (:func:`outcome_page`); a link not sent a moment ago gets the gone page."""
    try:
        outcome = self_report_outcome(context, token[:200], with_chart=shows_own_chart(request))
    except AuthenticationError:
        return gone_page(request)
    return outcome_page(request, context, outcome, chart=url("self_report_chart", token=token))


@router.get(ROUTES["self_report_chart"])
def self_report_chart(request: Request, context: ContextDep, token: str) -> Response:
    """The patient's own outcome chart after sending (where the clinic shows it)."""
    return own_chart_response(request, context, token[:200])
