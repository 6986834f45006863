"""Primary sources as a clinical document cites them (author, year, title, journal).

The record and its formatter live with the knowledge loader (:mod:`attunement.knowledge`),
which the instrument and evidence data files load them through; the wording package names
them for everything that prints a reference.
"""

from __future__ import annotations

from attunement.knowledge import PrimarySource, format_reference, format_references

__all__ = ["PrimarySource", "format_reference", "format_references"]
