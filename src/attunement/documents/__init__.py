"""Documents and charts: the pure formats that show the core's results to a person.

One chart builder (matplotlib → accessible, deterministic SVG; PNG on request) serves the
web pages and the documents; the patient progress report and the clinic report are Jinja2
HTML rendered to PDF by WeasyPrint. Report models hold numbers computed by the core and by
:mod:`attunement.stats`; templates only render them. No HTTP, no database: the
services read the store and call these; the research export's rows are in
:mod:`attunement.exports`.
"""

from attunement.documents._assemble import (
    accommodation_kind,
    derived_fact,
    held_back,
    instrument_notice,
    plan_accommodations,
    plan_lines,
    safety_views,
)
from attunement.documents._chart_data import (
    AlertCounts,
    AllianceChartData,
    AlliancePoint,
    CategoryCounts,
    ChartData,
    ExpectedPoint,
    ItemHeatStripData,
    OutcomeChartData,
    OutcomeDistributionData,
    OutcomePoint,
    RecoveryBySeverityData,
    SeverityGroup,
)
from attunement.documents._charts import (
    RENDERER,
    Chart,
    describe_chart,
    render_chart,
    render_png,
    render_svg,
)
from attunement.documents._clinic import ClinicTally, EpisodeOutcome
from attunement.documents._episode import (
    REPORT_SESSION,
    EpisodeData,
    category_at_report_session,
    export_rows,
    intake_band,
    patient_report_of,
    synthetic_label_of,
)
from attunement.documents._models import (
    ClinicianRow,
    ClinicReport,
    InstrumentNotice,
    PatientPage,
    PatientReport,
    PlanItem,
    ProfileRow,
    ReportHeader,
    ReportRiskEventView,
    ReportStatusView,
    SafetyView,
    SupportPromptView,
)
from attunement.documents._patient import (
    alliance_chart_data,
    expected_points,
    item_chart_data,
    outcome_chart_data,
)
from attunement.documents._render import render_clinic_html, render_patient_html, render_pdf
from attunement.documents._summary import session_summary_text

__all__ = [
    "RENDERER",
    "REPORT_SESSION",
    "AlertCounts",
    "AllianceChartData",
    "AlliancePoint",
    "CategoryCounts",
    "Chart",
    "ChartData",
    "ClinicReport",
    "ClinicTally",
    "ClinicianRow",
    "EpisodeData",
    "EpisodeOutcome",
    "ExpectedPoint",
    "InstrumentNotice",
    "ItemHeatStripData",
    "OutcomeChartData",
    "OutcomeDistributionData",
    "OutcomePoint",
    "PatientPage",
    "PatientReport",
    "PlanItem",
    "ProfileRow",
    "RecoveryBySeverityData",
    "ReportHeader",
    "ReportRiskEventView",
    "ReportStatusView",
    "SafetyView",
    "SeverityGroup",
    "SupportPromptView",
    "accommodation_kind",
    "alliance_chart_data",
    "category_at_report_session",
    "derived_fact",
    "describe_chart",
    "expected_points",
    "export_rows",
    "held_back",
    "instrument_notice",
    "intake_band",
    "item_chart_data",
    "outcome_chart_data",
    "patient_report_of",
    "plan_accommodations",
    "plan_lines",
    "render_chart",
    "render_clinic_html",
    "render_patient_html",
    "render_pdf",
    "render_png",
    "render_svg",
    "safety_views",
    "session_summary_text",
    "synthetic_label_of",
]
