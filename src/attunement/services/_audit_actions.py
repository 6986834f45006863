"""The actions the audit trail records, named once.

Every use case names its action from :class:`AuditAction`, so a typo is a type error and
the list below is the whole vocabulary the trail (and the admin's audit filter) can hold.
The values are what is stored and hashed into the chain: renaming a value breaks the
verification of stored entries, so values never change; a new action is a new member.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["AuditAction"]


class AuditAction(StrEnum):
    """One audited use case (stored as its value, e.g. ``"patient.create"``)."""

    ACCESS_APPROVE = "access.approve"
    ACCESS_BREAK_GLASS = "access.break_glass"
    ACCESS_LIST = "access.list"
    ADMINISTRATION_CORRECT = "administration.correct"
    ADMINISTRATION_CREATE = "administration.create"
    ADMINISTRATION_LIST = "administration.list"
    ADMINISTRATION_VOID = "administration.void"
    AUDIT_ANCHOR = "audit.anchor"
    AUDIT_READ = "audit.read"
    CASELOAD_READ = "caseload.read"
    CDS_FEEDBACK = "cds.feedback"
    CDS_PATIENT_VIEW = "cds.patient_view"
    CHART_DATA = "chart.data"
    CHART_READ = "chart.read"
    DEMO_ACCOUNTS = "demo.accounts"
    EPISODE_CLOSE = "episode.close"
    EPISODE_CREATE = "episode.create"
    EPISODE_LIST = "episode.list"
    EPISODE_REOPEN = "episode.reopen"
    ETR_FIT = "etr.fit"
    EXPORT_RESEARCH = "export.research"
    FHIR_EXPORT = "fhir.export"
    FHIR_IMPORT = "fhir.import"
    FORM_DRAFT_KEPT = "form_draft_kept"
    FORM_DRAFT_OPENED = "form_draft_opened"
    IMPORT_BATCH = "import.batch"
    INVITATION_CREATE = "invitation.create"
    INVITATION_OPEN = "invitation.open"
    LOGIN = "login"
    LOGOUT = "logout"
    PATIENT_CREATE = "patient.create"
    PATIENT_LIST = "patient.list"
    PATIENT_PAGE = "patient.page"
    PATIENT_READ = "patient.read"
    PLAN_READ = "plan.read"
    PROFILE_UPDATE = "profile.update"
    PROMPT_DISCUSS = "prompt.discuss"
    PROMPT_LIST = "prompt.list"
    REPORT_CLINIC = "report.clinic"
    REPORT_PATIENT = "report.patient"
    RISK_LIST = "risk.list"
    RISK_RESPOND = "risk.respond"
    SELF_REPORT_SUBMIT = "self_report.submit"
    SESSION_EDIT = "session.edit"
    SESSION_LIST = "session.list"
    SESSION_READ = "session.read"
    SESSION_RECORD = "session.record"
    SESSION_VOID = "session.void"
    STATUS_READ = "status.read"
    STATUS_REFRESH = "status.refresh"
    SUMMARY_READ = "summary.read"
    TOKEN_REVOKE = "token.revoke"  # noqa: S105 (an action name, not a secret)
    USER_CREATE = "user.create"
    USER_DEACTIVATE = "user.deactivate"
    USER_LIST = "user.list"
    USER_ME = "user.me"
    USER_SUPERVISOR = "user.supervisor"
