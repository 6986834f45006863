"""The report downloads' rows of the permission matrix.

Collected by ``tests/http/api/test_permission_matrix`` (every route of the app needs a row). A
patient report is read like ``GET /api/v1/patients/{id}`` (another clinician's patient and an
admin without a caseload answer 404, ids are never confirmed); the clinic report covers the
caller's own caseload, so it needs one (an admin without patients and an invitation get 403).
Without sign-in a download is a page request: it is sent to the login page (303).
"""

from __future__ import annotations

from typing import Any

from tests.http.api.permission_matrix import ALLOW, Cell, Row, _expect, default_params

PATIENT_RECORD = _expect(
    admin=404,
    supervisor=ALLOW,
    clinician_own=ALLOW,
    clinician_other=404,
    anonymous=303,
    patient=404,
)
CASELOAD = _expect(
    admin=403,
    supervisor=ALLOW,
    clinician_own=ALLOW,
    clinician_other=ALLOW,
    anonymous=303,
    patient=403,
)


def _html(cell: Cell) -> dict[str, Any]:
    return {**default_params(cell), "fmt": "html"}


ROWS: list[Row] = [
    Row("GET", "/reports/patients/{patient_id}.{fmt}", PATIENT_RECORD, params=_html),
    Row("GET", "/reports/clinic.{fmt}", CASELOAD, params=_html),
]
