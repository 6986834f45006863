"""Audited use cases per second on SQLite: synchronous=FULL (the default) vs NORMAL.

Each use case is one transaction that appends a keyed (HMAC-SHA256) audit entry, so the
figure is what a clinic feels: every commit is synced to disk under FULL, only at
checkpoints under NORMAL. The baseline is the same workload on a NORMAL database in the
same process. Data: one synthetic clinician and patient. Run: python bench/audited_writes.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from attunement.security import AuditKeyring
from attunement.services import (
    OperatorActor,
    PatientCreate,
    UserActor,
    UserCreate,
    create_user,
    get_patient,
    register_patient,
    service_context,
    verify_audit_chain,
)
from attunement.store import SqliteSynchronous, make_engine, migrate

OPERATOR = OperatorActor(name="bench")
N = 400


def _run(folder: Path, synchronous: SqliteSynchronous) -> tuple[float, float]:
    engine = make_engine(
        f"sqlite:///{folder / f'{synchronous}.sqlite3'}", sqlite_synchronous=synchronous
    )
    migrate(engine)
    ctx = service_context(
        engine,
        signing_key="bench-" + "x" * 32,
        audit_keys=AuditKeyring(["bench-audit-key-SYNTHETIC-0123456789abcdef"]),
    )
    made = create_user(
        ctx,
        OPERATOR,
        UserCreate(
            username="ana",
            display_name="Synthetic Ana",
            role="clinician",
            password="violet tractor mango cellar",
        ),
    )
    ana = UserActor(user_id=made.id, username="ana", role="clinician")
    patient = register_patient(ctx, ana, PatientCreate(display_name="Synthetic Patient")).id
    started = time.perf_counter()
    for _ in range(N):
        get_patient(ctx, ana, patient)
    writes = N / (time.perf_counter() - started)
    started = time.perf_counter()
    result = verify_audit_chain(ctx, OPERATOR)
    verify = result.entries / (time.perf_counter() - started)
    assert result.intact
    engine.dispose()
    return writes, verify


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        normal_writes, normal_verify = _run(Path(folder), "NORMAL")
        full_writes, full_verify = _run(Path(folder), "FULL")
    print("audited use cases on SQLite (synthetic clinic), this machine:")
    print(f"{'synchronous':<12} {'use cases/s':>12} {'verify entries/s':>17}")
    print(f"{'NORMAL':<12} {normal_writes:>12.0f} {normal_verify:>17.0f}")
    print(f"{'FULL':<12} {full_writes:>12.0f} {full_verify:>17.0f}")
    print(f"ratio FULL/NORMAL (use cases/s): {full_writes / normal_writes:.2f}")


if __name__ == "__main__":
    main()
