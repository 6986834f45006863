"""How a risk item was flagged: answered above its threshold, or left unanswered.

A module of its own, without models: the risk package types its endorsements with it, and
``attune plan`` (which meets risk events, never a score) then starts without building the
instrument definition models (issue 13).
"""

from __future__ import annotations

from typing import Literal

__all__ = ["FlagKind"]

FlagKind = Literal["endorsed", "unanswered"]
