"""Use cases, one transaction each, shared by the CLI, the API and the web pages.

Every function takes a :class:`ServiceContext` (database, signing key, clock, policy) and,
where it touches clinic data, an explicit :data:`Actor`; access is checked here, not only
in routes, and every read and write of patient data is audited in the same transaction.
"""

from attunement.services._access import readable_clinician_ids
from attunement.services._account_schemas import (
    AccessGrantCreate,
    AccessGrantPublic,
    AuditAnchorWritten,
)
from attunement.services._actors import (
    ROLES,
    Actor,
    InvitationActor,
    OperatorActor,
    Role,
    UserActor,
)
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
from attunement.services._context import (
    Clock,
    ServiceContext,
    aware_utc,
    service_context,
    system_clock,
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
from attunement.services._invitations import (
    SELF_REPORT_PATH,
    describe_invitation,
    invite_patient,
    open_invitation,
    submit_self_report,
)
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
from attunement.services._schemas import (
    AdministrationCreate,
    AdministrationPublic,
    AuditEntryPublic,
    AuditVerification,
    CaseloadEntry,
    DemoAccount,
    EpisodeCreate,
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
    SupervisorUpdate,
    TokenIssued,
    UserCreate,
    UserPublic,
)
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
    "ROLES",
    "SELF_REPORT_PATH",
    "AccessGrantCreate",
    "AccessGrantPublic",
    "Actor",
    "AdministrationCreate",
    "AdministrationPublic",
    "ApprovalRequired",
    "AuditAnchorWritten",
    "AuditEntryPublic",
    "AuditVerification",
    "CaseloadEntry",
    "CaseloadFilter",
    "CaseloadPage",
    "Clock",
    "DemoAccount",
    "DemoSummary",
    "EpisodeCreate",
    "EpisodePublic",
    "InputLimits",
    "InvitationActor",
    "InvitationCreate",
    "InvitationIssued",
    "InvitationView",
    "OperatorActor",
    "PatientCreate",
    "PatientOverview",
    "PatientPublic",
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
    "SupervisorUpdate",
    "TokenIssued",
    "TooManyAttempts",
    "UserActor",
    "UserCreate",
    "UserPublic",
    "actor_for_session",
    "actor_for_token",
    "anchor_audit_chain",
    "append_audit",
    "approve_access",
    "aware_utc",
    "caseload",
    "check_episode_start",
    "claim_token_use",
    "create_user",
    "current_user",
    "deactivate_user",
    "describe_invitation",
    "end_session",
    "episode_summary",
    "get_patient",
    "get_plan",
    "get_status",
    "invite_patient",
    "list_access_grants",
    "list_administrations",
    "list_audit",
    "list_episodes",
    "list_patients",
    "list_risk_events",
    "list_sessions",
    "list_users",
    "login_for_session",
    "login_for_token",
    "open_invitation",
    "operator_patient_list",
    "readable_clinician_ids",
    "record_administration",
    "record_session",
    "refresh_all_statuses",
    "refresh_episode_status",
    "refresh_stale_statuses",
    "register_patient",
    "remove_demo_clinic",
    "respond_to_risk",
    "revoke_token",
    "seed_demo_accounts",
    "seed_demo_clinic",
    "service_context",
    "set_supervisor",
    "start_episode",
    "submit_self_report",
    "summarise_demo_clinic",
    "system_clock",
    "transaction",
    "update_profile",
    "use_case",
    "verify_audit_chain",
]
