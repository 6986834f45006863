"""The words of the pages a patient sees, in English and Spanish.

Clinician pages are in English. The self-report pages follow the patient's preferred
language when it is one of :data:`PAGE_LANGUAGES` and fall back to English otherwise; the
questionnaire text itself always comes from the instrument definition (its own translation,
with its licence notice), never from here.
"""

from __future__ import annotations

from typing import Final

__all__ = ["PAGE_LANGUAGES", "page_language", "translate"]

PAGE_LANGUAGES: Final = ("en", "es")

_STRINGS: Final[dict[str, dict[str, str]]] = {
    "app_name": {"en": "Attunement", "es": "Attunement"},
    "skip_to_content": {"en": "Skip to main content", "es": "Saltar al contenido principal"},
    "synthetic": {"en": "SYNTHETIC", "es": "SINTÉTICO"},
    "synthetic_note": {
        "en": "demonstration data about an invented person, not a real patient.",
        "es": "datos de demostración sobre una persona inventada, no un paciente real.",
    },
    "selfreport_title": {"en": "Your questionnaires", "es": "Sus cuestionarios"},
    "selfreport_heading": {
        "en": "Questionnaires from your clinician",
        "es": "Cuestionarios de su terapeuta",
    },
    "selfreport_intro": {
        "en": "Please answer every question about how you have been feeling. "
        "It takes a few minutes. Your answers go only to your clinician.",
        "es": "Por favor, responda todas las preguntas sobre cómo se ha sentido. "
        "Le tomará unos minutos. Sus respuestas solo las verá su terapeuta.",
    },
    "selfreport_errors": {
        "en": "Some answers are missing or not valid",
        "es": "Faltan respuestas o alguna no es válida",
    },
    "selfreport_unanswered": {
        "en": "Please choose an answer for question {n}.",
        "es": "Por favor, elija una respuesta para la pregunta {n}.",
    },
    "selfreport_invalid": {
        "en": "Question {n}: please choose one of the answers shown.",
        "es": "Pregunta {n}: por favor, elija una de las respuestas que se muestran.",
    },
    "selfreport_privacy": {
        "en": "Your answers are sent securely. This link works only once.",
        "es": "Sus respuestas se envían de forma segura. Este enlace solo funciona una vez.",
    },
    "selfreport_submit": {"en": "Send my answers", "es": "Enviar mis respuestas"},
    "selfreport_thanks_heading": {"en": "Thank you", "es": "Gracias"},
    "selfreport_thanks": {
        "en": "Your answers have been sent to your clinician.",
        "es": "Sus respuestas se han enviado a su terapeuta.",
    },
    "selfreport_crisis": {
        "en": "If you are thinking about harming yourself or feel unsafe, do not wait for your "
        "next appointment: contact your clinician, your local emergency number or a crisis "
        "line now.",
        "es": "Si está pensando en hacerse daño o no se siente seguro(a), no espere a su "
        "próxima cita: comuníquese ahora con su terapeuta, con el número de emergencias de "
        "su zona o con una línea de crisis.",
    },
    "selfreport_close": {
        "en": "You can close this page now.",
        "es": "Ya puede cerrar esta página.",
    },
    "selfreport_gone_heading": {
        "en": "This link cannot be used",
        "es": "Este enlace no se puede usar",
    },
    "selfreport_gone": {
        "en": "The link has already been used, has expired or is not valid. "
        "Please ask your clinician for a new one.",
        "es": "El enlace ya se usó, caducó o no es válido. Por favor, pida uno nuevo a su "
        "terapeuta.",
    },
    "selfreport_expired_form": {
        "en": "The page was open too long. Please answer again and send.",
        "es": "La página estuvo abierta demasiado tiempo. Por favor, responda de nuevo y envíe.",
    },
    "language_fallback": {
        "en": "This questionnaire is not available in your language; it is shown in English.",
        "es": "Este cuestionario no está disponible en su idioma; se muestra en inglés.",
    },
}


def page_language(preferred: str | None) -> str:
    """The page language for a BCP 47 tag: its primary subtag if supported, else English."""
    primary = (preferred or "en").split("-")[0].lower()
    return primary if primary in PAGE_LANGUAGES else "en"


def translate(key: str, language: str, **values: object) -> str:
    """The string ``key`` in ``language`` (English when missing), formatted with ``values``."""
    entry = _STRINGS[key]
    text = entry.get(language) or entry["en"]
    return text.format(**values) if values else text
