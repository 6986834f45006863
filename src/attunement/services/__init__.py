"""Use cases, one transaction each, shared by the CLI, the API and the web pages."""

from attunement.services._transaction import transaction
from attunement.services.demo import (
    DemoSummary,
    remove_demo_clinic,
    seed_demo_clinic,
    summarise_demo_clinic,
)

__all__ = [
    "DemoSummary",
    "remove_demo_clinic",
    "seed_demo_clinic",
    "summarise_demo_clinic",
    "transaction",
]
