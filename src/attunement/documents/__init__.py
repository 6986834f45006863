"""Documents and charts: the pure formats that show the core's results to a person.

One chart builder (matplotlib → accessible, deterministic SVG; PNG on request) serves the
web pages and the documents; the patient progress report and the clinic report are Jinja2
HTML rendered to PDF by WeasyPrint. Report models hold numbers computed by the core and by
:mod:`attunement.documents._stats`; templates only render them. No HTTP, no database: the
services read the store and call these; the research export's rows are in
:mod:`attunement.exports`.
"""

from attunement.documents._assemble import (
    derived_fact,
    held_back,
    instrument_notice,
    plan_accommodations,
    safety_views,
)
from attunement.documents._benchmarks import Benchmark, BenchmarkComparison, load_benchmarks
from attunement.documents._chart_data import (
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
from attunement.documents._i18n import LANGUAGES, Language, supported_language
from attunement.documents._models import (
    ClinicianRow,
    ClinicReport,
    InstrumentNotice,
    PatientPage,
    PatientReport,
    PlanItem,
    ProfileRow,
    ReportHeader,
    RiskEventView,
    SafetyView,
    StatusView,
    SupportPromptView,
)
from attunement.documents._patient import alliance_chart_data, expected_points, outcome_chart_data
from attunement.documents._render import render_clinic_html, render_patient_html, render_pdf
from attunement.documents._stats import AlertCounts
from attunement.documents._summary import session_summary_text

__all__ = [
    "LANGUAGES",
    "RENDERER",
    "REPORT_SESSION",
    "AlertCounts",
    "AllianceChartData",
    "AlliancePoint",
    "Benchmark",
    "BenchmarkComparison",
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
    "Language",
    "OutcomeChartData",
    "OutcomeDistributionData",
    "OutcomePoint",
    "PatientPage",
    "PatientReport",
    "PlanItem",
    "ProfileRow",
    "RecoveryBySeverityData",
    "ReportHeader",
    "RiskEventView",
    "SafetyView",
    "SeverityGroup",
    "StatusView",
    "SupportPromptView",
    "alliance_chart_data",
    "category_at_report_session",
    "derived_fact",
    "describe_chart",
    "expected_points",
    "export_rows",
    "held_back",
    "instrument_notice",
    "intake_band",
    "load_benchmarks",
    "outcome_chart_data",
    "patient_report_of",
    "plan_accommodations",
    "render_chart",
    "render_clinic_html",
    "render_patient_html",
    "render_pdf",
    "render_png",
    "render_svg",
    "safety_views",
    "session_summary_text",
    "supported_language",
    "synthetic_label_of",
]
