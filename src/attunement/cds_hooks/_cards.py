"""Cards for the ``patient-view`` hook, from a patient's signals.

One card per thing a clinician must see, in order of urgency (CDS Hooks 2.0, § Card
Attributes: ``indicator`` is ``info`` < ``warning`` < ``critical``):

- **critical** — every OPEN risk event, one card each, worded by ``attunement.risk`` in the
  clinic's language (and every risk item of the EHR's prefetched responses that Attunement
  does not already hold); an answered event is history and gives no card — the clinician
  recorded a risk response, and the patient's page keeps the history;
- **warning** — prefetched questionnaire data Attunement could not read (so could not
  check for risk items); a red or yellow outcome alert (not on track / less progress than expected),
  and an alliance rupture, each with the numbers behind it and the evidence;
- **info** — the tailored plan in brief: safety first while a risk event is open (and what
  the plan held back meanwhile), its recommendations with their evidence.

Card ``uuid`` values are UUIDv5 of (hookInstance, card kind, key): unique per call, and
reproducible, so a test or an audit can recompute them. Summaries are cut to fit the spec's
"<140-character" rule at a word boundary; details are GitHub-flavoured markdown.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from attunement.cds_hooks._card_words import (
    CardWords,
    alert_in,
    bold,
    md,
    origin_words,
    unread_reason,
    when_words,
)
from attunement.cds_hooks._models import SUMMARY_LIMIT, Card, CardSource, Link
from attunement.cds_hooks._signals import (
    AllianceSignal,
    EvidenceLine,
    OutcomeSignal,
    PatientSignals,
    PlanSignal,
    RiskSignal,
)
from attunement.i18n import N_, SOURCE_LANGUAGE, knowledge_text
from attunement.monitoring import Worded
from attunement.wording import (
    DASH,
    field_label,
    format_citation,
    instrument_name,
    item_label,
    setting_value_words,
    status_figures,
    value_words,
)

__all__ = ["CARD_NAMESPACE", "CardContext", "build_cards", "fit_summary"]

#: Namespace of card UUIDs (uuid5 of the DNS name below); fixed so uuids are reproducible.
CARD_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "cards.attunement.example")

_PLAN_ITEMS_SHOWN = 5

# The cards' own sentences (gettext message ids), said in the clinic's language.
_RISK_ENDORSED = N_("Risk item endorsed (%(item)s): %(message)s")
_RISK_UNANSWERED = N_("Risk item left unanswered (%(item)s): %(message)s")
_PROTOCOL = N_(
    "Assess safety following your clinic's risk protocol, and record the risk response in "
    "Attunement. Attunement surfaces every risk item; it does not assess risk itself."
)
_WHEN = N_("When: %(when)s")
_UNREAD_ONE = N_("%(count)s prefetched item could not be read")
_UNREAD_MANY = N_("%(count)s prefetched items could not be read")
_UNCHECKED_ONE = N_("%(count)s EHR questionnaire item not checked for risk items")
_UNCHECKED_MANY = N_("%(count)s EHR questionnaire items not checked for risk items")
_NOT_CHECKED = N_(
    ", so Attunement could not check them for endorsed risk items. Review them in the EHR."
)


class CardContext(BaseModel):
    """Where the cards point: the hook call, the patient's page, and who says so."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hook_instance: str
    patient_page_url: str | None = None
    source_label: str = "Attunement"
    source_url: str | None = None
    #: the clinic's language (an available one): the cards' own words are in it
    language: str = SOURCE_LANGUAGE


def fit_summary(text: str) -> str:
    """``text`` shortened to fewer than 140 characters, at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) < SUMMARY_LIMIT:
        return text
    cut = text[: SUMMARY_LIMIT - 2].rsplit(" ", 1)[0].rstrip(" ,;:-—")
    return cut + "…"


def build_cards(signals: PatientSignals, context: CardContext) -> tuple[Card, ...]:
    """All cards for one patient, most urgent first (critical, warning, info)."""
    cards = [_risk_card(risk, index, context) for index, risk in enumerate(signals.risks)]
    if signals.unread:
        cards.append(_unread_card(signals.unread, signals.unread_worded, context))
    if signals.outcome is not None and signals.outcome.alert in ("red", "yellow"):
        cards.append(_outcome_card(signals.outcome, context))
    if signals.alliance is not None and signals.alliance.state == "rupture":
        cards.append(_alliance_card(signals.alliance, context))
    if signals.plan is not None:
        cards.append(_plan_card(signals.plan, context))
    return tuple(cards)


# --------------------------------------------------------------------------- cards


def _card(context: CardContext, kind: str, key: str, **fields: object) -> Card:
    card_uuid = uuid.uuid5(CARD_NAMESPACE, f"{context.hook_instance}|{kind}|{key}")
    links = None
    if context.patient_page_url:
        label = CardWords(context.language)(N_("Open the patient in Attunement"))
        links = (Link(label=label, url=context.patient_page_url),)
    return Card.model_validate(
        {
            "uuid": str(card_uuid),
            "source": CardSource(label=context.source_label, url=context.source_url),
            "links": links,
            **fields,
        }
    )


def _risk_card(risk: RiskSignal, index: int, context: CardContext) -> Card:
    key = f"event|{risk.event_id}" if risk.event_id is not None else f"{index}|{risk.instrument}"
    words = CardWords(context.language)
    if risk.headline is None:  # a bare signal: what and when from its fields
        item = item_label(risk.instrument, risk.item, context.language)
        template = _RISK_ENDORSED if risk.kind == "endorsed" else _RISK_UNANSWERED
        headline = words(template, item=item, message=risk.message)
        where = when_words(risk.session, risk.observed_on, words)
        lines = [f"**{md(risk.message)}**", "", f"- {md(item)}"]
        lines += [f"- {md(words(_WHEN, when=where))}"] if where else []
    else:
        headline = risk.headline
        lines = [f"**{md(risk.headline)}**", "", *[f"- {md(line)}" for line in risk.lines]]
    lines += [f"- {md(origin_words(risk.source, words))}", "", words(_PROTOCOL)]
    return _card(
        context,
        "risk",
        f"{key}|{risk.item}",
        summary=fit_summary(headline),
        detail="\n".join(lines),
        indicator="critical",
    )


def _unread_card(unread: tuple[str, ...], worded: tuple[Worded, ...], context: CardContext) -> Card:
    count = len(unread)
    words = CardWords(context.language)
    twins = {w.text: w for w in worded}
    one = count == 1
    lines = [
        bold(words(_UNREAD_ONE if one else _UNREAD_MANY, count=str(count))) + words(_NOT_CHECKED),
        "",
        *[f"- {md(unread_reason(reason, words, twins.get(reason)))}" for reason in unread],
    ]
    summary = words(_UNCHECKED_ONE if one else _UNCHECKED_MANY, count=str(count))
    return _card(
        context,
        "unread",
        str(count),
        summary=fit_summary(summary),
        detail="\n".join(lines),
        indicator="warning",
    )


def _outcome_card(outcome: OutcomeSignal, context: CardContext) -> Card:
    words = CardWords(context.language)
    shown = status_figures(outcome, language=context.language)
    alert = alert_in(shown.alert, words)
    score = shown.latest if outcome.latest is not None else words(N_("not scorable"))
    summary = words(
        N_("%(alert)s: %(measure)s %(score)s at session %(session)s"),
        alert=alert.headline,
        measure=shown.measure,
        score=score,
        session=str(outcome.session),
    )
    if shown.expected is not None:
        summary += " " + words(N_("(expected %(expected)s)"), expected=shown.expected)
    lines = [
        words(
            N_("%(alert)s (%(label)s) on %(measure)s."),
            alert=bold(alert.headline),
            label=alert.label,
            measure=md(shown.measure),
        ),
        "",
    ]
    lines += [
        f"- {label}: {md(value)}" + (f" ({md(note)})" if note else "")
        for label, value, note in shown.rows(context.language)
        if value != DASH
    ]
    if outcome.norms_source:
        lines.append("- " + words(N_("Change norms: %(source)s"), source=md(outcome.norms_source)))
    lines.append(f"- {md(origin_words(outcome.source, words))}")
    if outcome.support_prompts:
        lines += ["", bold(words(N_("Clinical support — consider:")))]
        for prompt in outcome.support_prompts:
            title = prompt.title or value_words(prompt.domain).capitalize()
            lines.append(f"- *{md(title)}*: {md(prompt.prompt)}")
            lines += [f"  - {_evidence(line, words)}" for line in prompt.evidence]
    if outcome.evidence:
        lines += ["", bold(words(N_("Evidence:")))]
        lines += [f"- {_evidence(line, words)}" for line in outcome.evidence]
    return _card(
        context,
        "outcome",
        f"{outcome.instrument}|{outcome.session}",
        summary=fit_summary(summary),
        detail="\n".join(lines),
        indicator="warning",
    )


def _alliance_card(alliance: AllianceSignal, context: CardContext) -> Card:
    on = f" ({instrument_name(alliance.instrument)})" if alliance.instrument else ""
    words = CardWords(context.language)
    lines = [bold(words(N_("Alliance rupture signalled"))) + f"{md(on)}.", ""]
    lines += [f"- {md(alert)}" for alert in alliance.alerts]
    if alliance.repair_options:
        lines += ["", bold(words(N_("Repair options:")))]
        lines += [f"- {md(o)}" for o in alliance.repair_options]
    if alliance.evidence:
        lines += ["", bold(words(N_("Evidence:")))]
        lines += [f"- {_evidence(line, words)}" for line in alliance.evidence]
    summary = words(
        N_("Alliance rupture signalled%(instrument)s: consider a repair conversation"),
        instrument=on,
    )
    return _card(
        context,
        "alliance",
        alliance.instrument or "alliance",
        summary=fit_summary(summary),
        detail="\n".join(lines),
        indicator="warning",
    )


def _plan_card(plan: PlanSignal, context: CardContext) -> Card:
    words = CardWords(context.language)
    settings = [
        words(template, value=setting_value_words(value, context.language))
        for template, value in (
            (N_("directiveness %(value)s"), plan.directiveness),
            (N_("stance %(value)s"), plan.stance),
            (N_("focus %(value)s"), plan.focus),
        )
        if value
    ]
    count = len(plan.recommendations)
    summary = words(N_("Tailored plan"))
    if plan.safety:
        summary += " " + words(N_("(safety first: a risk event is open)"))
    if settings:
        summary += ": " + ", ".join(settings)
    summary += " " + (
        words(N_("(1 recommendation)"))
        if count == 1
        else words(N_("(%(count)s recommendations)"), count=str(count))
    )
    lines = [
        bold(words(N_("Tailored plan")))
        + " — "
        + words(N_("options with their evidence, for the clinician to weigh."))
    ]
    because, do = words(N_("Because:")), words(N_("Do:"))
    for safety in plan.safety:
        lines += ["", f"**{md(safety.summary)}** {md(safety.detail)}"]
        lines += [f"- {because} {md(b)}" for b in safety.because]
        lines += [f"- {do} {md(d)}" for d in safety.do]
        if safety.held_back:
            lines += ["", bold(words(N_("Held back while a risk event is open:")))]
            lines += [f"- {md(h)}" for h in safety.held_back]
    if settings:
        lines += ["", *[f"- {md(s.capitalize())}" for s in settings]]
    shown = plan.recommendations[:_PLAN_ITEMS_SHOWN]
    if shown:
        lines += ["", bold(words(N_("Recommendations:")))]
        for number, item in enumerate(shown, start=1):
            lines.append(f"{number}. {md(item.summary)}")
            if item.because:
                lines.append(f"   - {because} {md('; '.join(item.because))}")
            lines += [f"   - {_evidence(line, words)}" for line in item.evidence]
        if count > len(shown):
            more = words(N_("%(count)s more on the patient's page."), count=str(count - len(shown)))
            lines.append(f"\n{more}")
    if plan.not_assessed:
        missing = md(", ".join(field_label(f, context.language) for f in plan.not_assessed))
        lines += ["", words(N_("Not yet assessed: %(fields)s."), fields=missing)]
    return _card(
        context,
        "plan",
        "plan",
        summary=fit_summary(summary),
        detail="\n".join(lines),
        indicator="info",
    )


# --------------------------------------------------------------------------- evidence


def _evidence(line: EvidenceLine, words: CardWords) -> str:
    """``Feedback — Lambert et al. (2018): d = 0.14, k = 24, N = 10,921 (dropout). Source``:
    the element's name and what a figure is about in the clinic's language (a text already
    in it stays as it is), the source as published."""
    language = words.language
    named = {
        "element_name": knowledge_text(line.element_name or line.element, language),
        "outcome": knowledge_text(line.outcome, language) if line.outcome else None,
        "scope": knowledge_text(line.scope, language) if line.scope else None,
    }
    line = line.model_copy(update=named)
    return f"{md(format_citation(line, element=True))}. *{md(line.source)}*"
