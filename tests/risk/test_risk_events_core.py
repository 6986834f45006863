"""The risk-event rules as pure functions: open, join, answer, replay (issue 11)."""

from __future__ import annotations

import datetime as dt
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attunement.errors import InputError, InvalidAnswer
from attunement.instruments import load_instrument, score
from attunement.risk import (
    RiskEndorsement,
    RiskEvent,
    RiskResponse,
    RiskResponseAfterSession,
    answer_events,
    endorsements_from_flags,
    load_response_vocabulary,
    open_first,
    record_endorsements,
    replay_risk,
)

PHQ9 = load_instrument("phq9")
DAY = dt.date(2026, 3, 2)


def endorsement(session: int, kind: str = "endorsed", answer: float | None = 2) -> RiskEndorsement:
    return RiskEndorsement(
        kind=kind,  # type: ignore[arg-type]
        instrument="phq9",
        item="phq9_9",
        flag="phq9_item9_risk" if kind == "endorsed" else "phq9_item9_risk_unanswered",
        answer=answer if kind == "endorsed" else None,
        message="Item 9 was endorsed",
        route="session",
        session=session,
        administration_id=session,
    )


def response(level: str = "low", **extra: object) -> RiskResponse:
    return RiskResponse.model_validate(
        {"assessed_on": DAY, "level": level, "actions": ["safety_plan"]} | extra
    )


def test_every_flag_of_a_score_is_an_endorsement_with_its_kind_and_answer() -> None:
    endorsed = score(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, 3])
    blank = score(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, None])
    (e,) = endorsements_from_flags(endorsed.flags, instrument="phq9", route="session", session=2)
    (u,) = endorsements_from_flags(blank.flags, instrument="phq9", route="session", session=3)
    assert (e.kind, e.answer, e.item) == ("endorsed", 3, "phq9_9")
    assert (u.kind, u.answer) == ("unanswered", None)


def test_an_endorsement_opens_an_event_and_a_later_one_joins_it() -> None:
    first = record_endorsements((), [endorsement(2)])
    assert first.opened == (0,)
    second = record_endorsements(first.events, [endorsement(4)])
    assert second.opened == ()
    assert second.extended == (0,)
    assert second.events[0].sessions == (2, 4)


def test_the_same_administration_is_never_counted_twice_even_after_an_answer() -> None:
    events = answer_events(
        [e.model_copy(update={"id": 1}) for e in record_endorsements((), [endorsement(2)]).events],
        response(),
    )
    again = record_endorsements(events, [endorsement(2)])
    assert again.opened == ()
    assert again.extended == ()
    assert len(again.events) == 1


def test_a_new_endorsement_after_an_answer_opens_a_new_event() -> None:
    events = replay_risk(
        [endorsement(2), endorsement(5)], [RiskResponseAfterSession(session=3, response=response())]
    )
    assert [(e.id, e.open, e.sessions) for e in events] == [(1, False, (2,)), (2, True, (5,))]


def test_endorsed_and_unanswered_are_separate_events() -> None:
    events = replay_risk([endorsement(2), endorsement(3, "unanswered")])
    assert [(e.kind, e.open) for e in events] == [("endorsed", True), ("unanswered", True)]


def test_a_response_before_any_endorsement_answers_nothing() -> None:
    events = replay_risk(
        [endorsement(4)], [RiskResponseAfterSession(session=2, response=response())]
    )
    assert [e.open for e in events] == [True]


def test_answering_with_nothing_open_or_an_unknown_id_is_refused() -> None:
    with pytest.raises(InputError, match="risk event is open"):
        answer_events((), response())
    events = replay_risk([endorsement(2)])
    with pytest.raises(InputError) as caught:
        answer_events(events, response(), event_ids=[7])
    assert caught.value.field == "event_ids"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"level": "severe"}, "level"),
        ({"actions": ["pray"]}, "actions"),
        ({"actions": ["no_action"]}, "reason"),
        ({"actions": ["no_action", "referral"], "reason": "seen by GP"}, "actions"),
        ({"actions": ["referral", "referral"]}, "actions"),
        ({"note": "x" * 4001}, "note"),
    ],
)
def test_a_response_outside_the_vocabulary_names_the_field(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        response(**fields)
    assert caught.value.field == field


def test_the_vocabulary_carries_the_nice_ng225_caveat_about_risk_levels() -> None:
    words = load_response_vocabulary()
    assert "NG225" in words.caveat_source
    assert "no_action" in words.actions
    assert words.actions["no_action"].requires_reason


def test_open_events_come_first_then_the_history_newest_first() -> None:
    events = replay_risk(
        [endorsement(1), endorsement(3), endorsement(6, "unanswered"), endorsement(8)],
        [
            RiskResponseAfterSession(session=1, response=response()),
            RiskResponseAfterSession(session=3, response=response()),
        ],
    )
    ordered = open_first(events)
    assert [(e.open, e.kind, e.sessions) for e in ordered] == [
        (True, "endorsed", (8,)),
        (True, "unanswered", (6,)),
        (False, "endorsed", (3,)),
        (False, "endorsed", (1,)),
    ]


def _intake_event(instrument: str, item: str, flag: str, answered: bool) -> RiskEvent:
    """An event opened by an intake questionnaire kept in the profile (no session, no id)."""
    first = RiskEndorsement(
        kind="endorsed",
        instrument=instrument,
        item=item,
        flag=flag,
        answer=1,
        message=f"{item} was endorsed",
        route="intake",
        on=DAY,
        administration_key=f"{instrument}-intake",
    )
    return RiskEvent(
        kind="endorsed", endorsements=(first,), response=response() if answered else None
    )


def test_events_endorsed_at_one_moment_come_in_one_order_whatever_the_input_order() -> None:
    # PHQ-9 item 9 and CORE-10 item 6 endorsed at intake on one day: same kind, same time.
    events = [
        _intake_event("phq9", "phq9_9", "phq9_item9_risk", answered=False),
        _intake_event("core10", "core10_6", "core10_item6_risk", answered=False),
        _intake_event("phq9", "phq9_9", "phq9_item9_risk", answered=True),
        _intake_event("core10", "core10_6", "core10_item6_risk", answered=True),
    ]
    first = open_first(events)
    assert [e.open for e in first] == [True, True, False, False]
    for order in permutations(events):
        assert open_first(order) == first


def test_a_refused_administration_names_the_endorsed_risk_item() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        score(PHQ9, [4, 0, 1, 0, 0, 0, 0, 0, 3])
    assert caught.value.field == "phq9_1"
    assert caught.value.risk
    assert "Item 9" in caught.value.message
    assert "answer given: 3" in caught.value.message


def test_a_refused_administration_with_item9_not_endorsed_says_nothing_of_risk() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        score(PHQ9, [4, 0, 1, 0, 0, 0, 0, 0, 0])
    assert caught.value.risk == ()
    assert "RISK" not in caught.value.message


def test_a_refused_batch_row_names_the_endorsed_risk_item() -> None:
    from attunement.instruments import InvalidAdministration, score_batch

    with pytest.raises(InvalidAdministration) as caught:
        score_batch(PHQ9, [[0] * 9, [4, 0, 1, 0, 0, 0, 0, 0, 3]])
    assert caught.value.row == 1
    assert "Item 9" in caught.value.message


_steps = st.lists(
    st.one_of(
        st.tuples(st.just("endorse"), st.sampled_from(["endorsed", "unanswered"])),
        st.tuples(st.just("answer"), st.just("")),
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(_steps)
def test_no_endorsement_is_ever_lost_and_at_most_one_event_per_kind_is_open(
    steps: list[tuple[str, str]],
) -> None:
    endorsements: list[RiskEndorsement] = []
    responses: list[RiskResponseAfterSession] = []
    for session, (step, kind) in enumerate(steps, start=1):
        if step == "endorse":
            endorsements.append(endorsement(session, kind))
        else:
            responses.append(RiskResponseAfterSession(session=session, response=response()))
    events = replay_risk(endorsements, responses)
    kept = [e for event in events for e in event.endorsements]
    assert sorted(e.session or 0 for e in kept) == sorted(e.session or 0 for e in endorsements)
    for kind in ("endorsed", "unanswered"):
        assert sum(1 for e in events if e.open and e.kind == kind) <= 1
    last_answer = max((r.session for r in responses), default=0)
    for e in endorsements:
        event = next(ev for ev in events if any(x.session == e.session for x in ev.endorsements))
        assert event.open == ((e.session or 0) > last_answer)
