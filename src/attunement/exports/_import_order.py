"""Import rows grouped per patient, so that a batch holds whole patients.

A batch refreshes the stored statuses of every patient it writes; when a patient's rows
are spread over several batches (patients in one, their episodes in a second, their
administrations in a third), each batch refreshes that patient again. Grouped, each
patient's record is written — and its statuses computed — once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from attunement.exports._import_rows import AdministrationRow, EpisodeRow, ImportRow, PatientRow

__all__ = ["patient_units"]


def patient_units(rows: Iterable[ImportRow]) -> Iterator[list[ImportRow]]:
    """Each patient with its episodes and their administrations (in file order), then the
    episodes and administrations of patients not in these files (imported before)."""
    patients: list[PatientRow] = []
    episodes: dict[str, list[EpisodeRow]] = defaultdict(list)
    administrations: dict[str, list[AdministrationRow]] = defaultdict(list)
    for row in rows:
        if isinstance(row, PatientRow):
            patients.append(row)
        elif isinstance(row, EpisodeRow):
            episodes[row.patient_key].append(row)
        else:
            administrations[row.episode_key].append(row)
    for patient in patients:
        unit: list[ImportRow] = [patient]
        for episode in episodes.pop(patient.key, []):
            unit.append(episode)
            unit.extend(administrations.pop(episode.key, []))
        yield unit
    for group in episodes.values():  # patients imported by an earlier run
        for episode in group:
            yield [episode, *administrations.pop(episode.key, [])]
    for left in administrations.values():  # episodes imported by an earlier run
        yield list(left)
