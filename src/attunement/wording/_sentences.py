"""Sentences a format module wrote in English with a message-id twin, in the reader's
language (issue 16): the FHIR import's refusal and ignored reasons and its notes on an
imported response (``attunement.fhir._reasons``), which ``attune import fhir`` prints.

The import report keeps every such sentence twice: the English text (the API's JSON, as
data) and a :class:`~attunement.monitoring.Worded` twin with its message id and values.
Here each text is said from its twin (the one with the same English text): the message's
translation, values as the resource sent them (a linkId, a canonical URL), figures with the
reader's decimal separator. A FHIR validator's own message inside a reason is the library's
text and stays as it wrote it; a text without a twin stays as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from attunement.i18n import SOURCE_LANGUAGE, Catalogue
from attunement.wording._knowledge import _Words
from attunement.wording._worded import said_all

if TYPE_CHECKING:
    from attunement.monitoring import Worded

__all__ = ["sentences_in"]


def sentences_in(
    texts: Iterable[str],
    worded: Sequence[Worded],
    language: str,
    catalogue: Catalogue | None = None,
) -> tuple[str, ...]:
    """``texts`` (English sentences) in ``language``, each from its ``worded`` twin."""
    given = tuple(texts)
    if language == SOURCE_LANGUAGE:
        return given
    return said_all(given, worded, _Words(language, catalogue))
