"""Every parameter of the synthetic clinic, with its source or ``assumption: …``.

The symptom courses are deliberately *not* the shape the rational expected-response rule
assumes (log-linear, proportional): responders follow exponential approach curves with their
own speed and depth, slow responders change little before a late onset, some patients have a
temporary worsening (a sudden loss), some deteriorate early and some late, and scores carry
measurement noise from a published standard error of measurement. Ground truth is the
*true* (noise-free) score at the end of the episode, never an alert rule.
"""

from __future__ import annotations

__all__ = ["ASSUMPTIONS", "value"]

_PS_2011 = (
    "Psychiatric Services 2011;62(8):929, doi:10.1176/ps.62.8.pss6208_0929: first-visit PHQ-9 "
    "16.4 ± 4.6 in 960 patients scoring >= 10 at 17 psychiatric practices (assumption: a "
    "psychotherapy intake looks alike)"
)
_LOWE_2004 = (
    "Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K (2004) Monitoring depression "
    "treatment outcomes with the Patient Health Questionnaire-9. Med Care 42(12):1194-1201: "
    "minimal clinically important individual change, estimated as 2 standard errors of "
    "measurement (7-day test-retest), 5 points"
)

#: Every simulation parameter: (value, source or "assumption: …").
ASSUMPTIONS: dict[str, tuple[float, str]] = {
    "intake_phq9_mean": (16.4, _PS_2011),
    "intake_phq9_sd": (4.6, _PS_2011),
    "intake_phq9_min": (5.0, "assumption: people seeking therapy with a PHQ-9 of 5 or more"),
    "measurement_sem": (2.5, f"{_LOWE_2004}: SEM = 5 / 2 = 2.5 points, the noise of one score"),
    "share_early_deteriorators": (
        0.065,
        "5-10% of adult psychotherapy outcomes are deterioration (Lambert, Bergin & Collins "
        "1977; Mohr 1995; as cited in Tijdschrift voor Psychotherapie 2007 no. 6); "
        "assumption: shares of early and late deteriorators calibrated so that about 7% of "
        "episodes end deteriorated (many end before their worsening shows)",
    ),
    "share_late_deteriorators": (0.045, "assumption: see share_early_deteriorators (2007)"),
    "early_deterioration_by_session_8": (
        7.5,
        "assumption: mean true worsening by the 8th attended session (uniform 5 to 10 points)",
    ),
    "late_deterioration_onset_min": (5.0, "assumption: worsening starts at session 5 to 10"),
    "late_deterioration_per_session": (
        2.25,
        "assumption: mean true worsening per session after the onset (uniform 1.5 to 3)",
    ),
    "share_non_responders": (
        0.20,
        "assumption: 'a significant minority of clients shows little or no response' (BYU ETD "
        "2519, 2010) gives no figure",
    ),
    "non_responder_drift_sd": (
        0.5,
        "assumption: SD of a non-responder's true drift per ln(session), around 0",
    ),
    "share_slow_responders": (
        0.15,
        "assumption for the share; the class exists: a PHQ-9 trajectory 'displaying limited "
        "change until session six followed by rapid improvement' (Saunders R, Buckman JEJ, "
        "Cape J, Fearon P, Leibowitz J, Pilling S (2019) J Affect Disord 249:327-335)",
    ),
    "slow_onset_min": (5.0, "assumption: improvement starts at attended session 5 to 8 (2019)"),
    "responder_depth_min": (
        0.55,
        "assumption: share of the intake a responder's true score loses in a full course "
        "(uniform 0.55 to 1.0)",
    ),
    "responder_tau_max": (
        7.0,
        "assumption: sessions to 63% of a responder's improvement (uniform 1.5 to 7); with "
        "the depths above about half of the patients attending at session 8 have improved "
        "reliably (>= 6 points), as Lambert reports (Society for the Advancement of "
        "Psychotherapy page; Kadera, Lambert & Andrews 1996)",
    ),
    "sudden_loss_probability": (
        0.265,
        "26.5% of patients had at least one sudden loss during outpatient CBT, and sudden "
        "losses were compensated over the course of treatment (Odyniec P, Probst T, Göllner R, "
        "Margraf J, Willutzki U (2019) J Clin Psychol 75(10):1790-1809); applied to responders "
        "and slow responders as a temporary worsening",
    ),
    "sudden_loss_size": (
        5.0,
        "assumption: mean true worsening of a sudden loss (uniform 3 to 7 PHQ-9 points), "
        "lasting 1 to 3 sessions",
    ),
    "non_response_odds_ratio_precontemplation": (
        1.5,
        "assumption: direction from Krebs et al. 2018 (stage of change predicts outcome, d = .41)",
    ),
    "non_response_odds_ratio_low_expectation": (
        1.5,
        "assumption: direction from Constantino et al. 2018 (outcome expectations, r = .18)",
    ),
    "dropout_per_session": (
        0.019,
        "assumption, calibrated so that about one episode in five ends by dropout: weighted "
        "dropout rate 19.7% (Swift & Greenberg 2012, J Consult Clin Psychol 80:547)",
    ),
    "dropout_odds_ratio_unaccommodated_strong_preference": (
        1.79,
        "Swift, Callahan, Cooper & Parkin 2018: odds of dropout, not matched vs matched "
        "(evidence base, element preferences)",
    ),
    "dropout_odds_ratio_not_improving": (
        2.0,
        "assumption: non-responders and deteriorators leave more often",
    ),
    "share_strong_preferences_accommodated": (0.7, "assumption"),
    "missed_appointment_probability": (0.08, "assumption"),
    "planned_sessions_median": (
        10.0,
        "assumption: planned episode length is log-normal with this median (uneven lengths)",
    ),
    "planned_sessions_log_sd": (0.45, "assumption: spread of ln(planned sessions)"),
    "min_planned_sessions": (3.0, "assumption"),
    "max_planned_sessions": (26.0, "assumption: 26 sessions, the upper dose of Howard 1986"),
    "item9_logit_at_16": (
        -0.75,
        "assumption, calibrated so that about 40% of intakes endorse PHQ-9 item 9: item 9 > 0 "
        "at baseline in 248 of 615 (40%) depressed primary-care patients, mean baseline PHQ-9 "
        "about 16 (BMC Health Serv Res 2021;21:703, table 3)",
    ),
    "item9_logit_per_point": (0.15, "assumption: item 9 is endorsed more at higher totals"),
    "item9_patient_logit_sd": (1.5, "assumption: endorsement persists within a patient"),
    "alliance_mean": (3.8, "assumption: no published WAI-SR norms were found"),
    "alliance_sd": (0.5, "assumption"),
    "alliance_per_phq9_point": (
        0.04,
        "assumption: WAI-SR item mean gained per PHQ-9 point of improvement, so alliance and "
        "outcome go together (alliance-outcome r = .278, Flückiger et al. 2018)",
    ),
    "rupture_probability": (0.25, "assumption: share of episodes with one alliance rupture"),
    "rupture_drop": (0.9, "assumption: WAI-SR item-mean drop at the rupture session"),
    "rupture_marker_recorded": (0.6, "assumption: share of ruptures the clinician notes"),
    "deterioration_ground_truth": (
        5.0,
        f"ground truth, not an alert rule: a true final score at least this much worse than "
        f"the true intake is deterioration ({_LOWE_2004})",
    ),
    "response_ground_truth": (
        0.5,
        "ground truth: a true final score at least 50% below the true intake is response "
        "(the PHQ-9 response convention; Jackson WC et al. 2020 "
        "J Clin Psychiatry 81(3):OT19037BR2)",
    ),
    "non_response_ground_truth": (
        0.25,
        "ground truth: less than 25% improvement is non-response, 25-50% partial response "
        "(Jackson WC, Papakostas GI, Rafeyan R, Trivedi MH (2020) J Clin Psychiatry "
        "81(3):OT19037BR2; definitions reviewed by Nierenberg & DeCecco 2001)",
    ),
}


def value(name: str) -> float:
    """The value of one parameter."""
    return ASSUMPTIONS[name][0]
