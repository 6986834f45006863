"""The Jinja2 i18n extension, wired to the catalogue, for the web pages and the documents.

:func:`install_i18n` adds the extension to an environment with English as the default
(new-style gettext: ``_("Question %(n)s", n=3)``, whitespace in ``{% trans %}`` trimmed).
One environment serves every language: :func:`template_functions` gives the ``gettext``,
``ngettext`` and ``_`` of one language, passed in the render context, where the extension
looks them up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from attunement.i18n._catalogue import Catalogue, default_catalogue

__all__ = ["install_i18n", "template_functions"]


def install_i18n(environment: Environment) -> None:
    """Add the i18n extension to ``environment`` (English until a render passes a language)."""
    environment.add_extension("jinja2.ext.i18n")
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]


def template_functions(
    language: str, catalogue: Catalogue | None = None
) -> dict[str, Callable[..., Any]]:
    """``gettext``, ``ngettext`` and ``_`` in ``language`` for one render's context.

    They behave as the extension's own new-style callables: the translation is marked safe
    when autoescaping and the values are escaped as they are filled in.
    """
    translations = (catalogue or default_catalogue()).translations(language)

    @pass_context
    def gettext(context: Context, message: str, /, **values: Any) -> str:
        text = translations.gettext(message)
        if context.eval_ctx.autoescape:
            return Markup(text) % values  # noqa: S704 - the catalogue's text, values escaped
        return text % values

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, count: int, /, **values: Any) -> str:
        values.setdefault("num", count)
        text = translations.ngettext(singular, plural, count)
        if context.eval_ctx.autoescape:
            return Markup(text) % values  # noqa: S704 - the catalogue's text, values escaped
        return text % values

    return {"gettext": gettext, "ngettext": ngettext, "_": gettext}
