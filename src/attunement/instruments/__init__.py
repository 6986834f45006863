"""Instruments: definitions as data, one scoring engine, a vectorised batch path.

``load_instrument("phq9")`` gives a validated ``InstrumentDefinition``; ``score(definition,
answers)`` gives a ``Score`` (scale values, bands, missing and prorated items, risk flags);
``score_batch`` does the same for an (n x items) array with identical results;
``to_profile_values`` turns a score into profile values. Item text that may not ship is
imported by the clinic (``import_item_text``) into a directory the caller names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.instruments._batch import (
        BatchScores,
        InvalidAdministration,
        ScaleColumns,
        batch_row,
        score_batch,
    )
    from attunement.instruments._compiled import missing_rule
    from attunement.instruments._engine import score
    from attunement.instruments._flag_kind import FlagKind
    from attunement.instruments._item_text import (
        ImportedText,
        clinic_definitions,
        import_item_text,
        load_imported_text,
        with_imported_text,
    )
    from attunement.instruments._loader import (
        INSTRUMENT_IDS,
        install_clinic_definitions,
        instrument_short_name,
        list_instruments,
        load_instrument,
        load_packaged_instrument,
        parse_definition,
    )
    from attunement.instruments._models import (
        Band,
        Bands,
        ChangeRule,
        Cutoff,
        FlagRule,
        InstrumentChangeNorms,
        InstrumentDefinition,
        Item,
        Licence,
        Loinc,
        MeasureRole,
        MissingRule,
        ProfileMapping,
        ProfileOutput,
        ResponseOption,
        ScaleDefinition,
    )
    from attunement.instruments._profile_values import (
        DerivedValues,
        derive_profile_values,
        to_profile_values,
    )
    from attunement.instruments._results import Flag, ScaleScore, Score
    from attunement.instruments._roles import (
        DEFAULT_ALLIANCE_INSTRUMENT,
        instruments_with_role,
        require_role,
    )

__all__ = [
    "DEFAULT_ALLIANCE_INSTRUMENT",
    "INSTRUMENT_IDS",
    "Band",
    "Bands",
    "BatchScores",
    "ChangeRule",
    "Cutoff",
    "DerivedValues",
    "Flag",
    "FlagKind",
    "FlagRule",
    "ImportedText",
    "InstrumentChangeNorms",
    "InstrumentDefinition",
    "InvalidAdministration",
    "Item",
    "Licence",
    "Loinc",
    "MeasureRole",
    "MissingRule",
    "ProfileMapping",
    "ProfileOutput",
    "ResponseOption",
    "ScaleColumns",
    "ScaleDefinition",
    "ScaleScore",
    "Score",
    "batch_row",
    "clinic_definitions",
    "derive_profile_values",
    "import_item_text",
    "install_clinic_definitions",
    "instrument_short_name",
    "instruments_with_role",
    "list_instruments",
    "load_imported_text",
    "load_instrument",
    "load_packaged_instrument",
    "missing_rule",
    "parse_definition",
    "require_role",
    "score",
    "score_batch",
    "to_profile_values",
    "with_imported_text",
]

#: The submodule that defines each name. Importing the package imports none of them: a name
#: loads its submodule on first use, so listing and showing definitions needs no NumPy (only
#: the scoring engine does). A new name goes in three places: the import above, ``__all__``
#: and here (tests/cli/test_lazy_exports.py checks).
_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_batch": ("BatchScores", "InvalidAdministration", "ScaleColumns", "batch_row", "score_batch"),
    "_compiled": ("missing_rule",),
    "_engine": ("score",),
    "_item_text": (
        "ImportedText",
        "clinic_definitions",
        "import_item_text",
        "load_imported_text",
        "with_imported_text",
    ),
    "_loader": (
        "INSTRUMENT_IDS",
        "install_clinic_definitions",
        "instrument_short_name",
        "list_instruments",
        "load_instrument",
        "load_packaged_instrument",
        "parse_definition",
    ),
    "_models": (
        "Band",
        "Bands",
        "InstrumentChangeNorms",
        "ChangeRule",
        "Cutoff",
        "FlagRule",
        "InstrumentDefinition",
        "Item",
        "Licence",
        "Loinc",
        "MeasureRole",
        "MissingRule",
        "ProfileMapping",
        "ProfileOutput",
        "ResponseOption",
        "ScaleDefinition",
    ),
    "_profile_values": ("DerivedValues", "derive_profile_values", "to_profile_values"),
    "_flag_kind": ("FlagKind",),
    "_results": ("Flag", "ScaleScore", "Score"),
    "_roles": ("DEFAULT_ALLIANCE_INSTRUMENT", "instruments_with_role", "require_role"),
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SUBMODULES)
