"""Which instruments may serve as an episode's outcome or alliance measure (issue 12).

Each definition declares its ``roles`` (``outcome``, ``alliance``, ``profile``,
``screening``); a measure is chosen only from the instruments that declare the role, so a
religiosity index cannot become an outcome measure nor a depression scale the alliance
measure. The one place that decides it: services, web forms and episode files call
:func:`require_role`.
"""

from __future__ import annotations

from attunement.errors import InputError
from attunement.instruments._loader import list_instruments, load_instrument
from attunement.instruments._models import InstrumentDefinition, MeasureRole

__all__ = ["DEFAULT_ALLIANCE_INSTRUMENT", "instruments_with_role", "require_role"]

#: The alliance measure an episode gets when none is named: the Working Alliance
#: Inventory — Short Revised (Hatcher & Gillaspy 2006), the one packaged instrument that
#: declares the alliance role. ``None`` when asked for explicitly means no alliance measure.
DEFAULT_ALLIANCE_INSTRUMENT = "wai_sr"


def instruments_with_role(role: MeasureRole) -> tuple[InstrumentDefinition, ...]:
    """The available instruments whose definition declares ``role``, in listing order."""
    return tuple(d for d in list_instruments() if role in d.roles)


def require_role(field: str, instrument_id: str, role: MeasureRole) -> InstrumentDefinition:
    """The definition of ``instrument_id`` if it declares ``role``.

    Raises UnknownInstrument for an unknown id and InputError naming ``field``, the value
    and the instruments that declare the role otherwise.
    """
    definition = load_instrument(instrument_id)
    if role not in definition.roles:
        allowed = ", ".join(d.id for d in instruments_with_role(role))
        raise InputError(
            field,
            instrument_id,
            f"an instrument whose definition declares the {role} role: {allowed}",
        )
    return definition
