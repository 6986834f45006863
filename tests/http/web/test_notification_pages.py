"""The notifications page and the frame's badge, through HTTP (issue 14).

A patient's self-report with PHQ-9 item 9 endorsed puts a red count beside "Notifications"
on every page of the treating clinician; the page names the patient (linking to the risk
panel); "Mark as seen" empties the badge while the risk event stays pinned; channel choices
keep the risk notification in the app. Both backends.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from attunement.notifications import NotificationChannels, NotificationKind
from attunement.services import (
    InvitationCreate,
    SelfReportResponse,
    SelfReportSubmission,
    ServiceContext,
    get_patient,
    invite_patient,
    list_risk_events,
    notification_preferences,
    open_invitation,
    submit_self_report,
)
from tests.http.web.pages import csrf_from, sign_in
from tests.services.world import World

ITEM9 = [2, 2, 1, 1, 1, 1, 1, 1, 2]
BADGE = re.compile(r'<span class="count-badge( count-badge-risk)?">(\d+)')


def _endorsed_at_home(ctx: ServiceContext, world: World) -> None:
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"]))
    submit_self_report(
        ctx,
        open_invitation(ctx, issued.token),
        SelfReportSubmission(responses=[SelfReportResponse(instrument="phq9", answers=ITEM9)]),
    )


def test_the_badge_the_list_and_mark_as_seen(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    assert BADGE.search(client.get("/caseload").text) is None
    _endorsed_at_home(ctx, world)
    badge = BADGE.search(client.get("/caseload").text)
    assert badge is not None
    assert badge.groups() == (" count-badge-risk", "1")
    page = client.get("/notifications")
    assert page.status_code == 200
    name = get_patient(ctx, world.ana, world.patient_a).display_name
    assert f'href="/patients/{world.patient_a}#risk">{name}</a>' in page.text
    assert "A risk answer arrived without you present" in page.text
    (action,) = re.findall(r'action="(/notifications/\d+/acknowledge)"', page.text)
    seen = client.post(action, data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert seen.status_code == 303
    after = client.get(seen.headers["location"])
    assert BADGE.search(after.text) is None
    assert "Nothing is waiting." in after.text
    assert "Marked as seen" in after.text
    assert list_risk_events(ctx, world.ana, world.patient_a)[0].open  # still pinned
    assert "Mark as seen" not in client.get("/notifications?show=all").text


def test_the_supervisor_sees_no_badge_for_a_supervisees_new_notification(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _endorsed_at_home(ctx, world)
    sign_in(client, "sam")
    assert BADGE.search(client.get("/notifications").text) is None


def test_choices_keep_risk_in_the_app(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    page = client.get("/notifications")
    assert 'name="risk.in_app"' in page.text
    saved = client.post(
        "/notifications/preferences",
        data={"csrf_token": csrf_from(page.text), "weekly_digest.email": "on"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    chosen = notification_preferences(ctx, world.ana).channels
    assert chosen[NotificationKind.RISK] == NotificationChannels(in_app=True, email=False)
    assert chosen[NotificationKind.WEEKLY_DIGEST] == NotificationChannels(in_app=False, email=True)


def test_the_address_for_notification_emails_is_set_on_the_page(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    page = client.get("/notifications")
    refused = client.post(
        "/notifications/email",
        data={"csrf_token": csrf_from(page.text), "email": "ana at clinic"},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "E-mail address: “ana at clinic” is not an address" in refused.text
    assert 'value="ana at clinic"' in refused.text  # what was typed is kept
    saved = client.post(
        "/notifications/email",
        data={"csrf_token": csrf_from(page.text), "email": "ana@example.org"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert notification_preferences(ctx, world.ana).email == "ana@example.org"
    assert 'value="ana@example.org"' in client.get("/notifications").text
