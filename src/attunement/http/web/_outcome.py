"""The page after a self-report: the clinic's crisis resources, or a short thank-you.

Which one is not decided here: :func:`attunement.services.self_report_outcome` reads it
from the stored scores (their risk flag, set where the answers were scored and the risk
event opened). The crisis resources are the clinic's file (``crisis_resources.yaml`` in
``ATTUNE_DATA_DIR``), read once when the app starts (:func:`load_crisis_resources`: a wrong
file stops the start, naming file, line and field), else the packaged neutral default.
Everything is in the patient's language.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request, Response

from attunement.errors import AuthenticationError, ConfigurationError, DefinitionError, NotFound
from attunement.http.deps import ContextDep
from attunement.http.web._rendering import gone_page, render, url
from attunement.i18n import resolve_language, translate
from attunement.risk import (
    CRISIS_RESOURCES_FILE,
    CrisisResources,
    default_crisis_resources,
    parse_crisis_resources,
)
from attunement.services import SelfReportOutcome, own_outcome_chart

__all__ = ["load_crisis_resources", "outcome_page", "own_chart_response", "shows_own_chart"]


def shows_own_chart(request: Request) -> bool:
    """The clinic shows patients their own outcome chart (``ATTUNE_PATIENT_SEES_OWN_CHART``)."""
    return bool(request.app.state.patient_sees_own_chart)


def own_chart_response(request: Request, context: ContextDep, token: str | None) -> Response:
    """The patient's own outcome chart (SVG), where the clinic shows it; else not found."""
    if not shows_own_chart(request) or not token:
        raise NotFound("page", request.url.path)
    try:
        svg = own_outcome_chart(context, token)
    except AuthenticationError:
        return gone_page(request)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


def load_crisis_resources(data_dir: Path) -> CrisisResources:
    """The clinic's ``crisis_resources.yaml`` in ``data_dir``, else the packaged default."""
    path = data_dir / CRISIS_RESOURCES_FILE
    if not path.is_file():
        return default_crisis_resources()
    try:
        return parse_crisis_resources(path.read_text("utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(str(path), f"cannot be read ({error})") from None
    except DefinitionError as error:
        raise ConfigurationError(CRISIS_RESOURCES_FILE, error.message) from None


def outcome_page(
    request: Request,
    context: ContextDep,
    outcome: SelfReportOutcome,
    *,
    kiosk_token: str | None = None,
    chart: str | None = None,
    exit_error: str | None = None,
    status_code: int = 200,
) -> Response:
    """The page in the patient's language; in a kiosk, with the form that hands the device
    back to the clinician (bound to the kiosk's link)."""
    lang = resolve_language(outcome.language)
    resources: CrisisResources = request.app.state.crisis_resources
    crisis = None
    crisis_lang = lang
    if outcome.risk_endorsed:
        crisis_lang, crisis = resources.for_language(outcome.language)
        heading = crisis.heading
    else:
        heading = translate("Thank you", lang)
    return render(
        request,
        "selfreport/done.html",
        status_code=status_code,
        lang=lang,
        title=heading,
        heading=heading,
        synthetic=outcome.synthetic,
        crisis=crisis,
        crisis_lang=crisis_lang,
        message=translate("Your answers have been sent to your clinician.", lang),
        therapist=translate(
            "Your therapist will see your answers, but perhaps not straight away: nobody "
            "watches this page. If you need help now, do not wait: follow the advice above.",
            lang,
        ),
        # the thank-you keeps its one line on what to do in a crisis (for every patient)
        reminder=translate(
            "If you are thinking about harming yourself or feel unsafe, do not wait for your "
            "next appointment: contact your clinician, your local emergency number or a crisis "
            "line now.",
            lang,
        ),
        kiosk_exit=url("kiosk_exit") if kiosk_token else None,
        chart=(chart or url("kiosk_chart")) if outcome.has_outcome_chart else None,
        chart_alt=translate("Your answers to this questionnaire over your sessions", lang),
        chart_heading=translate("Your progress", lang),
        exit_error=exit_error,
        csrf_binding=kiosk_token,
        with_csrf=kiosk_token is not None,
    )
