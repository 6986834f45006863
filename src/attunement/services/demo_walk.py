"""The demo's walk through the loop on the synthetic clinic: assess → tailor → monitor → report.

It runs as the demo supervisor (who supervises every synthetic clinician), through the same
use cases the web app and the API call, so every read is access-checked and audited like
any other. Everything it returns and writes is labelled synthetic.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from attunement._private_files import write_private_text
from attunement.errors import NotFound
from attunement.monitoring import ALERT_LEVELS
from attunement.services._actors import OperatorActor, UserActor
from attunement.services._context import ServiceContext
from attunement.services._episodes import get_status
from attunement.services._patients import get_plan
from attunement.services._risk import list_risk_events
from attunement.services._schemas import CaseloadEntry
from attunement.services._users import list_users
from attunement.services._worklist import CaseloadFilter, caseload
from attunement.services.demo import DEMO_SUPERVISOR
from attunement.services.reports import write_clinic_report, write_patient_report
from attunement.simulate import SYNTHETIC_LABEL
from attunement.wording import render_markdown

__all__ = ["ALERT_ORDER", "DemoWalk", "demo_supervisor", "walk_the_loop"]

#: How the caseload is summarised: open risk events pinned first, then the alert levels in
#: their one order (the caseload's own order, ``monitoring.alert_rank``).
ALERT_ORDER = ("open risk event", *ALERT_LEVELS)


class DemoWalk(BaseModel):
    """What the demo found and wrote."""

    model_config = ConfigDict(frozen=True)

    caseload: tuple[CaseloadEntry, ...]
    by_alert: dict[str, int]
    featured: CaseloadEntry | None
    plan_safety: str | None = None
    risk_history: int = 0
    plan_directiveness: str | None
    plan_stance: str | None
    plan_focus: str | None
    status_alert: str | None
    status_category: str | None
    files: tuple[Path, ...]


def demo_supervisor(ctx: ServiceContext) -> UserActor:
    """The demo supervisor as an actor (raises NotFound before the demo accounts exist)."""
    for user in list_users(ctx, OperatorActor(name="demo")):
        if user.username == DEMO_SUPERVISOR[0] and user.synthetic:
            return UserActor(user_id=user.id, username=user.username, role=user.role)
    raise NotFound("user", DEMO_SUPERVISOR[0])


def _alert_key(entry: CaseloadEntry) -> str:
    if entry.risk_flag:
        return "open risk event"
    return entry.alert or "not_assessable"


def walk_the_loop(ctx: ServiceContext, out_dir: Path) -> DemoWalk:
    """Caseload by alert; the most urgent patient's plan, status and report; the clinic report.

    The most urgent patient is the first of the caseload with an episode, in the caseload's
    one order (an open risk event first, then red, yellow …, each by deterioration, then by
    days since last seen); their plan then leads with safety.
    """
    actor = demo_supervisor(ctx)
    entries = tuple(caseload(ctx, actor, CaseloadFilter(per_page=200)).entries)
    counts = Counter(_alert_key(entry) for entry in entries)
    by_alert = {key: counts[key] for key in ALERT_ORDER if counts[key]}
    featured = next((e for e in entries if e.episode_id is not None), None)
    if featured is None:
        return DemoWalk(
            caseload=entries,
            by_alert=by_alert,
            featured=None,
            plan_directiveness=None,
            plan_stance=None,
            plan_focus=None,
            status_alert=None,
            status_category=None,
            files=(),
        )

    plan = get_plan(ctx, actor, featured.patient_id)
    events = list_risk_events(ctx, actor, featured.patient_id)
    assert featured.episode_id is not None  # chosen above
    status = get_status(ctx, actor, featured.episode_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"patient-{featured.patient_id}"
    plan_file = out_dir / f"{stem}-plan.md"
    write_private_text(plan_file, f"> **{SYNTHETIC_LABEL}**\n\n{render_markdown(plan)}")
    status_file = out_dir / f"{stem}-status.json"
    write_private_text(
        status_file,
        json.dumps(
            {"synthetic": True, "label": SYNTHETIC_LABEL, "status": status.model_dump(mode="json")},
            indent=2,
            ensure_ascii=False,
        ),
    )

    reports: list[Path] = []
    for fmt in ("html", "pdf"):
        output = out_dir / f"{stem}-report.{fmt}"
        reports.append(
            write_patient_report(ctx, actor, featured.patient_id, fmt=fmt, output=output)
        )
        output = out_dir / f"clinic-report.{fmt}"
        reports.append(write_clinic_report(ctx, actor, fmt=fmt, output=output))
    return DemoWalk(
        caseload=entries,
        by_alert=by_alert,
        featured=featured,
        plan_safety=plan.safety[0].summary if plan.safety else None,
        risk_history=sum(not e.open for e in events),
        plan_directiveness=plan.directiveness,
        plan_stance=plan.stance,
        plan_focus=plan.focus,
        status_alert=status.alert,
        status_category=status.category,
        files=(plan_file, status_file, *reports),
    )
