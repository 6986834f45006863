"""The bases of an alliance status's limits read in the clinic's language (issue 16): the
stated assumptions of ``alliance.yaml`` (clinical text, translated), the clinic-derived
formula with Spanish numbers, an alert's basis; in English exactly as the core stored
them; a status stored before the bases kept their sentences reads as stored. Synthetic data.
"""

from __future__ import annotations

from attunement.monitoring import ClinicNorms, Series, SessionPoint, Status, assess_episode
from attunement.wording import alliance_limits_words, status_in


def _series(instrument: str, *values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument=instrument, scale="total", points=points)


def _status(*alliance: float, norms: ClinicNorms | None = None) -> Status:
    return assess_episode(
        _series("phq9", 20, 18, 17), alliance=_series("wai_sr", *alliance), alliance_norms=norms
    )


def test_a_threshold_alert_in_spanish_gives_its_stated_assumption_in_spanish() -> None:
    status = _status(4.0, 3.9, 2.5)
    english = status.alliance
    spanish = status_in(status, "es").alliance
    assert english is not None
    assert spanish is not None
    threshold = next(a for a in spanish.alerts if a.kind == "threshold")
    assert threshold.basis.startswith("supuesto: No se encontró ningún punto de corte publicado")
    assert spanish.threshold_basis == threshold.basis
    assert spanish.drop_basis is not None
    assert "Solo se usa hasta que la clínica" in spanish.drop_basis
    assert spanish.noise_basis is not None
    assert spanish.noise_basis.startswith("supuesto: ")
    assert english.threshold_basis is not None
    assert english.threshold_basis.startswith("assumption: No published WAI-SR cut-off")


def test_an_at_risk_fall_names_the_noise_floor_in_spanish() -> None:
    status = status_in(_status(4.5, 4.1), "es")
    assert status.alliance is not None
    (fall,) = status.alliance.alerts
    assert "; umbral de ruido: supuesto: Solo se usa" in fall.basis


def test_clinic_derived_limits_write_their_figures_as_spanish_numbers() -> None:
    norms = ClinicNorms(instrument="wai_sr", scale="total", sd=0.61, n_episodes=40)
    status = _status(4.5, 4.4, norms=norms)
    english, spanish = status.alliance, status_in(status, "es").alliance
    assert english is not None
    assert spanish is not None
    assert english.limits_origin == "clinic-derived"
    assert english.drop_basis is not None
    assert "with SD 0.61 of" in english.drop_basis
    assert spanish.drop_basis is not None
    assert spanish.drop_basis.startswith("DE derivada de la clínica con la fiabilidad publicada")
    assert "con la DE 0,61 de las primeras medidas de alianza de 40 episodios" in (
        spanish.drop_basis
    )
    assert spanish.noise_basis == f"un S_diff ({spanish.drop_basis})"


def test_english_bases_are_the_stored_english() -> None:
    status = _status(4.0, 3.9, 2.5)
    assert status_in(status, "en") == status
    alliance = status.alliance
    assert alliance is not None
    assert alliance.noise_basis_worded is not None
    assert alliance.noise_basis == alliance.noise_basis_worded.text


def test_a_status_stored_before_the_bases_kept_their_sentences_reads_as_stored() -> None:
    stored = _status(4.0, 3.9, 2.5).model_dump(mode="json")
    for name in ("threshold_basis_worded", "drop_basis_worded", "noise_basis_worded"):
        del stored["alliance"][name]
    for alert in stored["alliance"]["alerts"]:
        del alert["basis_worded"]
    old = Status.model_validate(stored)
    spanish = status_in(old, "es").alliance
    assert spanish is not None
    assert old.alliance is not None
    assert spanish.threshold_basis == old.alliance.threshold_basis
    assert [a.basis for a in spanish.alerts] == [a.basis for a in old.alliance.alerts]
    assert spanish.alerts[0].message != old.alliance.alerts[0].message  # the sentence is said


def test_the_alliance_limits_sentence_writes_its_figures_in_the_readers_language() -> None:
    alliance = _status(4.5, 4.4).alliance
    english = alliance_limits_words(alliance)
    spanish = alliance_limits_words(alliance, "es")
    assert english is not None
    assert spanish is not None
    assert english.values["drop"] == "0.5"
    assert english.values["noise"] == "0.33"
    assert spanish.values["drop"] == "0,5"
    assert spanish.values["noise"] == "0,33"
