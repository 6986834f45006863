"""The words on charts and on the patient's page, in English and Spanish.

Charts and the plain-language patient page are shown in the patient's language when it is
one of :data:`LANGUAGES`; any other language falls back to English (and the page says so),
never to a machine translation. Adding a language means adding one column here and a test
that every key has it.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["LANGUAGES", "Language", "all_keys", "band_label", "entry", "supported_language", "text"]

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = get_args(Language)

_STRINGS: dict[str, dict[Language, str]] = {
    # charts
    "session": {"en": "Session", "es": "Sesión"},
    "score": {"en": "Score", "es": "Puntuación"},
    "observed": {"en": "Observed", "es": "Observado"},
    "expected": {"en": "Expected", "es": "Esperado"},
    "expected_band": {"en": "Expected range", "es": "Rango esperado"},
    "cutoff": {"en": "Clinical cut-off", "es": "Punto de corte clínico"},
    "reliable_band": {
        "en": "No reliable change from intake",
        "es": "Sin cambio fiable desde el inicio",
    },
    "risk_point": {"en": "Risk item endorsed", "es": "Ítem de riesgo marcado"},
    "not_scorable": {"en": "not scorable", "es": "no puntuable"},
    "lower_better": {"en": "lower is better", "es": "más bajo es mejor"},
    "higher_better": {"en": "higher is better", "es": "más alto es mejor"},
    "outcome_title": {"en": "{instrument} over sessions", "es": "{instrument} por sesión"},
    "alliance_title": {"en": "Alliance ({instrument})", "es": "Alianza ({instrument})"},
    "alliance_threshold": {"en": "Alliance threshold", "es": "Umbral de alianza"},
    "heat_title": {
        "en": "{instrument} item answers, last {n} sessions",
        "es": "{instrument}: respuestas por ítem, últimas {n} sesiones",
    },
    "item": {"en": "Item", "es": "Ítem"},
    "answer": {"en": "Answer", "es": "Respuesta"},
    "distribution_title": {
        "en": "Outcomes by Jacobson–Truax category",
        "es": "Resultados por categoría de Jacobson–Truax",
    },
    "severity_title": {
        "en": "Outcome by intake severity",
        "es": "Resultado según la gravedad al inicio",
    },
    "patients": {"en": "Patients", "es": "Pacientes"},
    "share_patients": {"en": "Share of patients (%)", "es": "Pacientes (%)"},
    "intake_severity": {"en": "Intake severity", "es": "Gravedad al inicio"},
    "recovered": {"en": "Recovered", "es": "Recuperado"},
    "improved": {"en": "Improved", "es": "Mejorado"},
    "unchanged": {"en": "Unchanged", "es": "Sin cambios"},
    "deteriorated": {"en": "Deteriorated", "es": "Empeorado"},
    "insufficient": {"en": "Not enough data", "es": "Datos insuficientes"},
    # intake severity bands (instrument band ids)
    "band_minimal": {"en": "minimal", "es": "mínima"},
    "band_none": {"en": "none", "es": "ninguna"},
    "band_mild": {"en": "mild", "es": "leve"},
    "band_moderate": {"en": "moderate", "es": "moderada"},
    "band_moderately_severe": {"en": "moderately severe", "es": "moderadamente grave"},
    "band_severe": {"en": "severe", "es": "grave"},
    # the patient's plain-language page
    "synthetic": {
        "en": "SYNTHETIC — not a real patient",
        "es": "SINTÉTICO — no es un paciente real",
    },
    "patient_title": {"en": "Your progress", "es": "Su progreso"},
    "patient_intro": {
        "en": "This page shows how your answers to the {instrument} questionnaire have changed "
        "since your first session. Lower scores mean fewer difficulties.",
        "es": "Esta página muestra cómo han cambiado sus respuestas al cuestionario "
        "{instrument} desde su primera sesión. Una puntuación más baja significa menos "
        "dificultades.",
    },
    "patient_scores": {
        "en": "At your first session your score was {intake}; at session {session} it was "
        "{latest}.",
        "es": "En su primera sesión su puntuación fue {intake}; en la sesión {session} fue "
        "{latest}.",
    },
    "patient_meaning": {"en": "What this means", "es": "Qué significa"},
    "meaning_recovered": {
        "en": "Your score has gone down by more than chance alone would explain, and it is now "
        "in the range most people without these difficulties have.",
        "es": "Su puntuación ha bajado más de lo que el azar explicaría y ahora está en el "
        "rango que tiene la mayoría de las personas sin estas dificultades.",
    },
    "meaning_improved": {
        "en": "Your score has gone down by more than chance alone would explain.",
        "es": "Su puntuación ha bajado más de lo que el azar explicaría.",
    },
    "meaning_unchanged": {
        "en": "So far your score has not changed by more than chance alone would explain. "
        "This is common early on; your clinician will talk with you about what might help.",
        "es": "Por ahora su puntuación no ha cambiado más de lo que el azar explicaría. Es "
        "frecuente al principio; su terapeuta hablará con usted sobre lo que puede ayudar.",
    },
    "meaning_deteriorated": {
        "en": "Your score has gone up by more than chance alone would explain. Your clinician "
        "will talk with you about this and about what could be changed.",
        "es": "Su puntuación ha subido más de lo que el azar explicaría. Su terapeuta hablará "
        "con usted sobre ello y sobre lo que se podría cambiar.",
    },
    "meaning_insufficient": {
        "en": "There are not yet enough answers to describe a change.",
        "es": "Todavía no hay suficientes respuestas para describir un cambio.",
    },
    "patient_safety": {
        "en": "You told us you have had thoughts that you would be better off dead or of "
        "hurting yourself. Please talk about this with your clinician. If you are in danger "
        "now, call your local emergency number.",
        "es": "Nos dijo que ha tenido pensamientos de que estaría mejor muerto/a o de hacerse "
        "daño. Por favor, hable de ello con su terapeuta. Si está en peligro ahora, llame al "
        "número de emergencias de su zona.",
    },
    "patient_together": {
        "en": "This page is a summary to talk through with your clinician. It is not a diagnosis.",
        "es": "Esta página es un resumen para comentar con su terapeuta. No es un diagnóstico.",
    },
    "language_fallback": {
        "en": "This page is not yet available in your language; it is shown in English.",
        "es": "Esta página aún no está disponible en su idioma; se muestra en inglés.",
    },
}


def supported_language(code: str | None) -> Language:
    """The report language for a patient's preferred language (``es-MX`` → ``es``).

    Languages without a translation fall back to English.
    """
    base = (code or "en").split("-")[0].split("_")[0].lower()
    for language in LANGUAGES:
        if base == language:
            return language
    return "en"


def text(key: str, language: Language, **values: object) -> str:
    """The string ``key`` in ``language`` with ``{placeholders}`` filled in.

    Unknown keys raise ``KeyError``: strings are fixed data and a typo is a bug.
    """
    template = _STRINGS[key][language]
    return template.format(**values) if values else template


def band_label(band: str, language: Language) -> str:
    """A severity band id (``moderately_severe`` or ``moderately severe``) in ``language``."""
    key = "band_" + band.strip().lower().replace(" ", "_").replace("-", "_")
    entry = _STRINGS.get(key)
    return entry[language] if entry else band


def all_keys() -> tuple[str, ...]:
    """Every string key (used by the test that each has every language)."""
    return tuple(_STRINGS)


def entry(key: str) -> dict[Language, str]:
    """All translations of one key."""
    return dict(_STRINGS[key])
