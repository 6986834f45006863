"""The one configuration of the core's frozen models, built when first used (issue 13).

Every core model is immutable (``frozen``) and refuses unknown fields (``extra="forbid"``,
so a misspelt key in a knowledge file or a request is an error, never silently dropped).
``defer_build`` makes pydantic build a model's validator and serializer the first time the
model validates or dumps something, not when its module is imported: ``attune plan`` and
``attune status FILE`` import 80 to 150 model classes but use a few dozen, and building all
of them was a large share of their start-up (issue 13: light commands start in < 0.3 s).
A model the process uses behaves exactly as before; one it never uses costs nothing.
Knowledge restored from the start-up cache (:mod:`attunement._knowledge_cache`) is never
validated again, so its models are not built at all.
"""

from __future__ import annotations

from pydantic import ConfigDict

__all__ = ["FROZEN"]

#: Immutable, no unknown fields, validator and serializer built on first use.
FROZEN = ConfigDict(frozen=True, extra="forbid", defer_build=True)
