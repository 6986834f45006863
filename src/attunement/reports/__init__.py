"""Reports, charts and research exports: the adapters that show the core's results.

One chart builder (matplotlib → accessible, deterministic SVG; PNG on request) serves the
web pages and the documents; the patient progress report and the clinic report are Jinja2
HTML rendered to PDF by WeasyPrint; the research export writes long-format CSV/Parquet with
a data dictionary, optionally de-identified. Report models hold numbers computed by the core
and by :mod:`attunement.stats`; templates only render them.
"""

from attunement.reports._chart_data import (
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
from attunement.reports._charts import (
    RENDERER,
    Chart,
    describe_chart,
    render_chart,
    render_png,
    render_svg,
)
from attunement.reports._clinic import ClinicTally, EpisodeOutcome
from attunement.reports._models import (
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
from attunement.reports._patient import alliance_chart_data, expected_points, outcome_chart_data
from attunement.reports._render import render_clinic_html, render_patient_html, render_pdf

__all__ = [
    "RENDERER",
    "AlertCounts",
    "AllianceChartData",
    "AlliancePoint",
    "CategoryCounts",
    "Chart",
    "ChartData",
    "ClinicReport",
    "ClinicTally",
    "ClinicianRow",
    "EpisodeOutcome",
    "ExpectedPoint",
    "InstrumentNotice",
    "ItemHeatStripData",
    "OutcomeBenchmark",
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
    "alliance_chart_data",
    "describe_chart",
    "expected_points",
    "outcome_chart_data",
    "render_chart",
    "render_clinic_html",
    "render_patient_html",
    "render_pdf",
    "render_png",
    "render_svg",
]
