"""Use cases, one transaction each, shared by the CLI, the API and the web pages.

Every function takes a :class:`ServiceContext` (database, signing key, clock, policy) and,
where it touches clinic data, an explicit :data:`Actor`; access is checked here, not only
in routes, and every read and write of patient data is audited in the same transaction.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from attunement.services._access import readable_clinician_ids
    from attunement.services._account_schemas import (
        AccessGrantCreate,
        AccessGrantPublic,
        AuditAnchorWritten,
    )
    from attunement.services._actors import Actor, InvitationActor, OperatorActor, UserActor
    from attunement.services._audit import append_audit, use_case
    from attunement.services._audit_anchoring import anchor_audit_chain
    from attunement.services._audit_log import list_audit, verify_audit_chain
    from attunement.services._auth import (
        TooManyAttempts,
        actor_for_session,
        actor_for_token,
        end_session,
        login_for_session,
        login_for_token,
        revoke_token,
    )
    from attunement.services._cds_replay import claim_token_use
    from attunement.services._charts import (
        CHART_KINDS,
        ChartKind,
        EpisodeChartData,
        StoredChart,
        episode_chart_data,
        episode_chart_svg,
    )  # for type checkers; at run time each name loads on first use
    from attunement.services._context import (
        Clock,
        ServiceContext,
        aware_utc,
        service_context,
        system_clock,
    )
    from attunement.services._corrections import correct_administration, void_administration
    from attunement.services._drafts import (
        DRAFT_LIFETIME,
        FormDraftPublic,
        keep_form_draft,
        open_form_draft,
    )
    from attunement.services._episodes import (
        check_episode_start,
        get_status,
        list_administrations,
        list_episodes,
        record_administration,
        start_episode,
    )
    from attunement.services._grants import ApprovalRequired, approve_access, list_access_grants
    from attunement.services._idempotency import (
        KEY_LIFETIME,
        IdempotencyKeyReused,
        PendingRequest,
        RepeatedRequest,
        StoredResult,
        pending_request,
        record_result,
        release_claim,
        stored_result,
    )
    from attunement.services._invitations import (
        SELF_REPORT_PATH,
        describe_invitation,
        invite_patient,
        open_invitation,
        submit_self_report,
    )
    from attunement.services._lifecycle import (
        EpisodeClosed,
        close_episode,
        ensure_episode_open,
        list_end_reasons,
        reopen_episode,
    )
    from attunement.services._lifecycle_schemas import EndReasonPublic, EpisodeClose, EpisodeReopen
    from attunement.services._limits import InputLimits
    from attunement.services._patients import (
        get_patient,
        get_plan,
        list_patients,
        operator_patient_list,
        register_patient,
        update_profile,
    )
    from attunement.services._risk import list_risk_events, respond_to_risk
    from attunement.services._risk_schemas import RiskEventPublic, RiskResponseCreate
    from attunement.services._roles import ROLES, Role
    from attunement.services._schemas import (
        AdministrationCorrection,
        AdministrationCreate,
        AdministrationPublic,
        AuditEntryPublic,
        AuditVerification,
        CaseloadEntry,
        DemoAccount,
        EpisodeCreate,
        EpisodeEvent,
        EpisodePublic,
        InvitationCreate,
        InvitationIssued,
        InvitationView,
        PatientCreate,
        PatientOverview,
        PatientPublic,
        ScorePublic,
        SelfReportResponse,
        SelfReportSubmission,
        SessionAdministration,
        SessionCreate,
        SessionIssued,
        SessionPublic,
        SessionUpdate,
        SupervisorUpdate,
        TokenIssued,
        UserCreate,
        UserPublic,
        VoidRequest,
    )
    from attunement.services._session_edits import edit_session, get_session, void_session
    from attunement.services._sessions import SessionAnswerInvalid, list_sessions, record_session
    from attunement.services._status_store import (
        refresh_all_statuses,
        refresh_episode_status,
        refresh_stale_statuses,
    )
    from attunement.services._summary import episode_summary
    from attunement.services._transaction import transaction
    from attunement.services._users import (
        create_user,
        current_user,
        deactivate_user,
        list_users,
        set_supervisor,
    )
    from attunement.services._worklist import CaseloadFilter, CaseloadPage, caseload
    from attunement.services.demo import (
        DemoSummary,
        remove_demo_clinic,
        seed_demo_accounts,
        seed_demo_clinic,
        summarise_demo_clinic,
    )

__all__ = [
    "CHART_KINDS",
    "DRAFT_LIFETIME",
    "KEY_LIFETIME",
    "ROLES",
    "SELF_REPORT_PATH",
    "AccessGrantCreate",
    "AccessGrantPublic",
    "Actor",
    "AdministrationCorrection",
    "AdministrationCreate",
    "AdministrationPublic",
    "ApprovalRequired",
    "AuditAnchorWritten",
    "AuditEntryPublic",
    "AuditVerification",
    "CaseloadEntry",
    "CaseloadFilter",
    "CaseloadPage",
    "ChartKind",
    "Clock",
    "DemoAccount",
    "DemoSummary",
    "EndReasonPublic",
    "EpisodeChartData",
    "EpisodeClose",
    "EpisodeClosed",
    "EpisodeCreate",
    "EpisodeEvent",
    "EpisodePublic",
    "EpisodeReopen",
    "FormDraftPublic",
    "IdempotencyKeyReused",
    "InputLimits",
    "InvitationActor",
    "InvitationCreate",
    "InvitationIssued",
    "InvitationView",
    "OperatorActor",
    "PatientCreate",
    "PatientOverview",
    "PatientPublic",
    "PendingRequest",
    "RepeatedRequest",
    "RiskEventPublic",
    "RiskResponseCreate",
    "Role",
    "ScorePublic",
    "SelfReportResponse",
    "SelfReportSubmission",
    "ServiceContext",
    "SessionAdministration",
    "SessionAnswerInvalid",
    "SessionCreate",
    "SessionIssued",
    "SessionPublic",
    "SessionUpdate",
    "StoredChart",
    "StoredResult",
    "SupervisorUpdate",
    "TokenIssued",
    "TooManyAttempts",
    "UserActor",
    "UserCreate",
    "UserPublic",
    "VoidRequest",
    "actor_for_session",
    "actor_for_token",
    "anchor_audit_chain",
    "append_audit",
    "approve_access",
    "aware_utc",
    "caseload",
    "check_episode_start",
    "claim_token_use",
    "close_episode",
    "correct_administration",
    "create_user",
    "current_user",
    "deactivate_user",
    "describe_invitation",
    "edit_session",
    "end_session",
    "ensure_episode_open",
    "episode_chart_data",
    "episode_chart_svg",
    "episode_summary",
    "get_patient",
    "get_plan",
    "get_session",
    "get_status",
    "invite_patient",
    "keep_form_draft",
    "list_access_grants",
    "list_administrations",
    "list_audit",
    "list_end_reasons",
    "list_episodes",
    "list_patients",
    "list_risk_events",
    "list_sessions",
    "list_users",
    "login_for_session",
    "login_for_token",
    "open_form_draft",
    "open_invitation",
    "operator_patient_list",
    "pending_request",
    "readable_clinician_ids",
    "record_administration",
    "record_result",
    "record_session",
    "refresh_all_statuses",
    "refresh_episode_status",
    "refresh_stale_statuses",
    "register_patient",
    "release_claim",
    "remove_demo_clinic",
    "reopen_episode",
    "respond_to_risk",
    "revoke_token",
    "seed_demo_accounts",
    "seed_demo_clinic",
    "service_context",
    "set_supervisor",
    "start_episode",
    "stored_result",
    "submit_self_report",
    "summarise_demo_clinic",
    "system_clock",
    "transaction",
    "update_profile",
    "use_case",
    "verify_audit_chain",
    "void_administration",
    "void_session",
]

#: The submodule that defines each name. Importing the package imports none of them: a name
#: loads its submodule on first use, so ``attune --help`` and the commands that need no
#: database start without SQLAlchemy and the rest of the stack. A new name goes in three
#: places: the import above, ``__all__`` and here (tests/cli/test_lazy_exports.py checks).
_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_charts": (
        "CHART_KINDS",
        "ChartKind",
        "EpisodeChartData",
        "StoredChart",
        "episode_chart_data",
        "episode_chart_svg",
    ),
    "_access": ("readable_clinician_ids",),
    "_account_schemas": ("AccessGrantCreate", "AccessGrantPublic", "AuditAnchorWritten"),
    "_actors": ("Actor", "InvitationActor", "OperatorActor", "UserActor"),
    "_audit": ("append_audit", "use_case"),
    "_audit_anchoring": ("anchor_audit_chain",),
    "_audit_log": ("list_audit", "verify_audit_chain"),
    "_auth": (
        "TooManyAttempts",
        "actor_for_session",
        "actor_for_token",
        "end_session",
        "login_for_session",
        "login_for_token",
        "revoke_token",
    ),
    "_cds_replay": ("claim_token_use",),
    "_context": ("Clock", "ServiceContext", "aware_utc", "service_context", "system_clock"),
    "_corrections": ("correct_administration", "void_administration"),
    "_drafts": ("DRAFT_LIFETIME", "FormDraftPublic", "keep_form_draft", "open_form_draft"),
    "_episodes": (
        "check_episode_start",
        "get_status",
        "list_administrations",
        "list_episodes",
        "record_administration",
        "start_episode",
    ),
    "_grants": ("ApprovalRequired", "approve_access", "list_access_grants"),
    "_idempotency": (
        "KEY_LIFETIME",
        "IdempotencyKeyReused",
        "PendingRequest",
        "RepeatedRequest",
        "StoredResult",
        "pending_request",
        "record_result",
        "release_claim",
        "stored_result",
    ),
    "_invitations": (
        "SELF_REPORT_PATH",
        "describe_invitation",
        "invite_patient",
        "open_invitation",
        "submit_self_report",
    ),
    "_lifecycle": (
        "EpisodeClosed",
        "close_episode",
        "ensure_episode_open",
        "list_end_reasons",
        "reopen_episode",
    ),
    "_lifecycle_schemas": ("EndReasonPublic", "EpisodeClose", "EpisodeReopen"),
    "_limits": ("InputLimits",),
    "_patients": (
        "get_patient",
        "get_plan",
        "list_patients",
        "operator_patient_list",
        "register_patient",
        "update_profile",
    ),
    "_risk": ("list_risk_events", "respond_to_risk"),
    "_risk_schemas": ("RiskEventPublic", "RiskResponseCreate"),
    "_roles": ("ROLES", "Role"),
    "_schemas": (
        "AdministrationCorrection",
        "AdministrationCreate",
        "AdministrationPublic",
        "AuditEntryPublic",
        "AuditVerification",
        "CaseloadEntry",
        "DemoAccount",
        "EpisodeCreate",
        "EpisodeEvent",
        "EpisodePublic",
        "InvitationCreate",
        "InvitationIssued",
        "InvitationView",
        "PatientCreate",
        "PatientOverview",
        "PatientPublic",
        "ScorePublic",
        "SelfReportResponse",
        "SelfReportSubmission",
        "SessionAdministration",
        "SessionCreate",
        "SessionIssued",
        "SessionPublic",
        "SessionUpdate",
        "SupervisorUpdate",
        "TokenIssued",
        "UserCreate",
        "UserPublic",
        "VoidRequest",
    ),
    "_session_edits": ("edit_session", "get_session", "void_session"),
    "_sessions": ("SessionAnswerInvalid", "list_sessions", "record_session"),
    "_status_store": ("refresh_all_statuses", "refresh_episode_status", "refresh_stale_statuses"),
    "_summary": ("episode_summary",),
    "_transaction": ("transaction",),
    "_users": ("create_user", "current_user", "deactivate_user", "list_users", "set_supervisor"),
    "_worklist": ("CaseloadFilter", "CaseloadPage", "caseload"),
    "demo": (
        "DemoSummary",
        "remove_demo_clinic",
        "seed_demo_accounts",
        "seed_demo_clinic",
        "summarise_demo_clinic",
    ),
}
_WHERE = {name: module for module, names in _SUBMODULES.items() for name in names}


def __getattr__(name: str) -> object:
    """Import the submodule that defines ``name`` (PEP 562), then keep the name here."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
