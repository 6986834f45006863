"""Every string a person reads, in their language: one gettext catalogue, one resolver.

The English text is the message id; translations are gettext ``.po`` files under
``attunement/locales/<lang>/LC_MESSAGES/attunement.po`` managed with Babel (README,
"Translations"). A language is available when its file exists: adding one is adding files,
not code. Templates use the Jinja2 i18n extension (``{% trans %}`` and ``_()``, wired by
:mod:`attunement.i18n.jinja`, kept apart so the light CLI commands never import Jinja2); Python
code calls :func:`translate`, and :func:`N_` marks a message kept for later translation (the
markers live in ``attunement._markers``, below the profile this package is built on).

The texts a person reads in the knowledge files are message ids too: a band label, a support
prompt, a repair option, an end reason, a rule's advice stay in English beside the rest of
their definition (the core keeps and decides with them), Babel extracts them from there
(:func:`attunement.i18n.extract.extract_knowledge_texts`), and the presentation edge shows
them in the reader's language with :func:`knowledge_text` (``attunement.wording`` does it
once per kind of text).
"""

from __future__ import annotations

from attunement._markers import N_, NC_
from attunement.i18n._catalogue import (
    DOMAIN,
    SOURCE_LANGUAGE,
    Catalogue,
    best_language,
    default_catalogue,
    falls_back,
    knowledge_text,
    languages,
    localised,
    resolve_language,
    translate,
    translate_in_context,
)

__all__ = [
    "DOMAIN",
    "NC_",
    "N_",
    "SOURCE_LANGUAGE",
    "Catalogue",
    "best_language",
    "default_catalogue",
    "falls_back",
    "knowledge_text",
    "languages",
    "localised",
    "resolve_language",
    "translate",
    "translate_in_context",
]
