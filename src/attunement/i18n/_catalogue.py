"""The catalogue: which languages exist, which one a person gets, and the words in it.

Languages are the folders of ``attunement/locales`` holding ``LC_MESSAGES/attunement.po``;
English, the source language, is always there (its text is the message id). The ``.po``
files are read with Babel when first needed (Babel is imported then too: an English plan or
status needs none of it, issue 13), so an installed package, an editable checkout
and a translator's working copy all behave the same, with no compiled ``.mo`` file to keep
in step (README, "Translations"). Entries marked fuzzy are not used: the English shows.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from io import BytesIO
from threading import Lock

from attunement.profile import canonical_language_tag, same_language

#: The gettext domain: ``<lang>/LC_MESSAGES/attunement.po``.
DOMAIN = "attunement"
#: The language of the message ids.
SOURCE_LANGUAGE = "en"


def _tag(value: str) -> str | None:
    """A BCP 47 tag from a profile tag or a POSIX locale name (``es_MX`` → ``es-MX``)."""
    return canonical_language_tag(value.strip().replace("_", "-"))


def best_language(tag: str | None, available: Iterable[str]) -> str | None:
    """The one of ``available`` (tags or POSIX names) that serves a person's ``tag``.

    ``tag`` is a BCP 47 tag as the profile stores it (``es-MX``), or a POSIX locale name
    (``es_MX``). An exact match wins; otherwise the same language by
    :func:`attunement.profile.same_language` (region ignored, scripts must agree),
    preferring one without a region (``es`` over ``es-419``). ``None`` when none does.
    """
    wanted = _tag(tag) if tag else None
    if wanted is None:
        return None
    named = [(language, _tag(language) or language) for language in available]
    for language, canonical in named:
        if canonical == wanted:
            return language
    matches = [(language, c) for language, c in named if same_language(c, wanted)]
    matches.sort(key=lambda pair: pair[1].count("-"))
    return matches[0][0] if matches else None


def localised(texts: Mapping[str, str] | None, tag: str | None) -> str | None:
    """From a definition's text per language (item text, option labels, notices), the one
    for ``tag`` by :func:`best_language`, else the English one, else ``None``."""
    if not texts:
        return None
    chosen = best_language(tag, texts) or SOURCE_LANGUAGE
    return texts.get(chosen) or texts.get(SOURCE_LANGUAGE)


class Catalogue:
    """The translations found in one ``locales`` folder (the package's, or a test's)."""

    def __init__(self, directory: Traversable) -> None:
        self._directory = directory
        self._languages: tuple[str, ...] | None = None
        self._translations: dict[str, gettext.NullTranslations] = {}
        self._lock = Lock()

    def po_file(self, language: str) -> Traversable:
        """Where the ``.po`` file of ``language`` lives."""
        return self._directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"

    @property
    def languages(self) -> tuple[str, ...]:
        """English first, then every language with a ``.po`` file, by folder name."""
        if self._languages is None:
            found = sorted(
                entry.name
                for entry in self._directory.iterdir()
                if entry.is_dir()
                and entry.name != SOURCE_LANGUAGE
                and self.po_file(entry.name).is_file()
            )
            self._languages = (SOURCE_LANGUAGE, *found)
        return self._languages

    def resolve(self, tag: str | None) -> str:
        """The available language for a person's language tag (:func:`best_language`);
        English when none fits."""
        return best_language(tag, self.languages) or SOURCE_LANGUAGE

    def falls_back(self, tag: str | None) -> bool:
        """True when ``tag`` names a language the catalogue lacks (English is shown)."""
        wanted = _tag(tag) if tag else None
        if wanted is None:
            return False
        return self.resolve(wanted) == SOURCE_LANGUAGE and not same_language(
            wanted, SOURCE_LANGUAGE
        )

    def translations(self, language: str) -> gettext.NullTranslations:
        """The gettext translations of an available ``language`` (read once)."""
        if language not in self.languages or language == SOURCE_LANGUAGE:
            return gettext.NullTranslations()
        with self._lock:
            found = self._translations.get(language)
            if found is None:
                # start-up: Babel's catalogue reader only when a translation is shown
                from babel.messages.mofile import write_mo
                from babel.messages.pofile import read_po

                with self.po_file(language).open("rb") as po:
                    catalog = read_po(po, domain=DOMAIN)
                mo = BytesIO()
                write_mo(mo, catalog, use_fuzzy=False)
                mo.seek(0)
                found = gettext.GNUTranslations(mo)
                self._translations[language] = found
        return found

    def translate(self, message: str, language: str, /, **values: object) -> str:
        """``message`` (its English text) in ``language``, ``%(name)s`` filled from ``values``.

        A message without a translation is shown in English.
        """
        text = self.translations(language).gettext(message)
        return text % values if values else text

    def translate_in_context(self, context: str, message: str, language: str) -> str:
        """``message`` as meant in ``context`` (``msgctxt``), in ``language``; English
        when it has no translation there."""
        return self.translations(language).pgettext(context, message)

    def knowledge_text(self, text: str, language: str) -> str:
        """A knowledge file's text (a prompt, a rule's advice, an end reason) in ``language``.

        Nothing is filled in: such a text is shown as written and may hold a literal ``%``.
        One message id is one catalogue entry, so a text that is also the singular of a plural
        message (the support prompt "Open risk event") is found through that entry.
        """
        translations = self.translations(language)
        found = translations.gettext(text)
        return found if found != text else translations.ngettext(text, text, 1)


@cache
def default_catalogue() -> Catalogue:
    """The catalogue shipped in the package (``attunement/locales``)."""
    return Catalogue(resources.files("attunement") / "locales")


def languages() -> tuple[str, ...]:
    """The available languages, English first."""
    return default_catalogue().languages


def resolve_language(tag: str | None) -> str:
    """The page and report language for a person's language tag (``es-MX`` → ``es``)."""
    return default_catalogue().resolve(tag)


def falls_back(tag: str | None) -> bool:
    """True when the person's language is not available and English is shown instead."""
    return default_catalogue().falls_back(tag)


def translate(message: str, language: str, /, **values: object) -> str:
    """``message`` in ``language`` (see :meth:`Catalogue.translate`)."""
    return default_catalogue().translate(message, language, **values)


def translate_in_context(context: str, message: str, language: str) -> str:
    """``message`` as meant in ``context`` in ``language`` (see
    :meth:`Catalogue.translate_in_context`)."""
    return default_catalogue().translate_in_context(context, message, language)


def knowledge_text(text: str, language: str) -> str:
    """A knowledge file's text in ``language`` (see :meth:`Catalogue.knowledge_text`)."""
    return default_catalogue().knowledge_text(text, language)
