"""The baseline of ``bench/http_load.py``: a bare FastAPI app doing one primary-key read.

``GET /patients/{patient_id}`` reads one row of the patients table by its primary key on
the database named by ``BENCH_DATABASE_URL`` (the same engine settings as the app's) and
returns two of its columns as JSON. No auth, no audit, no middleware: what any FastAPI
endpoint on this database costs under uvicorn on this machine.
Served by ``python -m uvicorn _bare_app:create --factory`` with ``bench/`` as the folder.
"""

from __future__ import annotations

import os

from fastapi import FastAPI, HTTPException
from sqlalchemy import select

from attunement.store import Patient, make_engine


def create() -> FastAPI:
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    app = FastAPI()

    @app.get("/patients/{patient_id}")
    def patient(patient_id: int) -> dict[str, object]:
        with engine.connect() as connection:
            row = connection.execute(
                select(Patient.id, Patient.display_name).where(Patient.id == patient_id)
            ).first()
        if row is None:
            raise HTTPException(404)
        return {"id": row.id, "display_name": row.display_name}

    return app
