"""The one configuration object, built at the edge (CLI, app factory) and passed in.

Nothing else in Attunement reads ``os.environ``. Every setting has the prefix ``ATTUNE_``:

========================  ==================================================================
``ATTUNE_DATABASE_URL``   SQLAlchemy URL; default a SQLite file in ``ATTUNE_DATA_DIR``.
                          PostgreSQL: ``postgresql+psycopg://user:pass@host/db``.
``ATTUNE_DATA_DIR``       where the SQLite file and generated files live; default the
                          platform's user data directory (platformdirs).
``ATTUNE_SECRET_KEY``     signs sessions and tokens. Required in production; a known
                          default value is refused there. The same for every app process.
``ATTUNE_MODE``           ``production`` (default), ``demo`` or ``dev``.
``ATTUNE_PUBLIC_URL``     the URL users and EHRs reach the app at (links in CDS cards,
                          FHIR canonical URLs, the CDS Hooks JWT audience).
``ATTUNE_CDS_TRUST_FILE`` JSON/YAML file listing the EHR issuers allowed to call the
                          CDS Hooks service and their public keys; without it every CDS
                          call is refused (401).
``ATTUNE_AUDIT_KEY``      the audit trail's MAC key(s), comma-separated, newest first (the
                          first signs, all verify). Required in production (or the file).
``ATTUNE_AUDIT_KEY_FILE`` a file of audit keys, one per line, newest first, mode 0600.
                          Demo/dev without either: ``audit.key`` in the data directory.
``ATTUNE_AUDIT_ANCHOR_DIR`` where ``attune audit anchor`` writes signed checkpoints of the
                          chain's head; default ``audit-anchors`` in the data directory.
``ATTUNE_TRUSTED_PROXIES`` comma-separated addresses or networks of the reverse proxies
                          whose ``X-Forwarded-For`` is believed; default none.
``ATTUNE_SQLITE_SYNCHRONOUS`` ``FULL`` (default: a commit survives power loss) or
                          ``NORMAL`` (faster; the last commits may roll back on power loss).
``ATTUNE_CASENESS_CONVENTION`` which cut-offs decide caseness: ``published`` (default, each
                          instrument's own) or ``nhs_talking_therapies`` (GAD-7 8 …).
``ATTUNE_OVERDUE_DAYS``   the caseload's measurement interval: no outcome measure for longer
                          than this many days marks an episode overdue (14).
``ATTUNE_RISK_ESCALATION_HOURS``  a risk notification its clinician has not acknowledged
                          after this many hours goes to their supervisor too (24).
``ATTUNE_JOB_RETENTION_DAYS``  ``attune worker`` deletes queue jobs that finished (done or
                          failed) more than this many days ago, in batches (30; at least 8).
``ATTUNE_MAX_BODY_BYTES`` largest request body of a signed-in clinic account (2 MiB).
``ATTUNE_MAX_UNVERIFIED_BODY_BYTES``  largest body read before the caller's clinic account
                          is verified (256 KiB): sign-in, patient links, CDS Hooks.
``ATTUNE_MAX_FHIR_ENTRIES``  most entries of one imported FHIR Bundle (500).
``ATTUNE_CLOCK_SKEW_SECONDS``  how far in the future a given time may lie (300): a
                          caller's clock may run ahead a little, a wrong year may not.
``ATTUNE_DB_POOL_SIZE``   database connections one app process keeps open (40).
``ATTUNE_DB_MAX_OVERFLOW``  more it may open under load (0). Together (40) they match the
                          40 threads Starlette runs request handlers on, so no request
                          thread waits for a connection; N processes need N x 40
                          connections below PostgreSQL's ``max_connections`` (100).
``ATTUNE_CLINIC_LANGUAGE``  the language the clinic works in (BCP 47, ``en``): clinician
                          pages and reports are in it (a catalogue in ``locales/``, else
                          English), and a plan offers a patient's preferred language only
                          when it differs. Patient pages follow the patient's language.
``ATTUNE_INSECURE_COOKIES``  ``true``: cookies without the Secure flag (plain http), demo
                          and dev mode only; ``attune serve --insecure-cookies`` sets it.
``ATTUNE_PATIENT_SEES_OWN_CHART``  ``true``: after a self-report the patient's page shows
                          their own outcome chart (never alliance answers); default ``false``.
``ATTUNE_SMS_ACCOUNT_SID``  the SMS provider's account (Twilio: ``AC`` + 32 hex digits).
``ATTUNE_SMS_AUTH_TOKEN``  its secret token: from the environment only, never a file of
                          the repository.
``ATTUNE_SMS_FROM``       the sending number (E.164) or a Messaging Service SID (``MG…``).
``ATTUNE_SMS_BASE_URL``   the provider's API (``https://api.twilio.com``; a regional edge).
``ATTUNE_SMS_TIMEOUT_SECONDS``  how long one send waits for the provider (10).
``ATTUNE_SMTP_HOST``      the SMTP server ``attune worker`` sends patients' invitations and
                          reminders through; unset: no e-mail is sent (messages are skipped,
                          and the clinician sees why).
``ATTUNE_SMTP_PORT``      its port (25; 587 with STARTTLS at most providers).
``ATTUNE_SMTP_USER``      the SMTP login, if the server wants one.
``ATTUNE_SMTP_PASSWORD``  its password: from the environment only, never in a file of the repo.
``ATTUNE_SMTP_STARTTLS``  ``true``: upgrade the connection with STARTTLS before logging in.
``ATTUNE_SMTP_FROM``      the sender address of the messages (``attunement@localhost``).
========================  ==================================================================
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from attunement._data_dir import ENV_PREFIX, default_data_dir
from attunement.errors import ConfigurationError, field_problems
from attunement.profile import canonical_language_tag, clinic_language_problem
from attunement.security import AuditKeyring, load_audit_keys, secret_problem
from attunement.store import SqliteSynchronous

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["KNOWN_DEFAULT_SECRETS", "Settings", "load_settings"]

Mode = Literal["production", "demo", "dev"]

#: Values seen in templates and tutorials; refused as a secret outside demo/dev mode.
KNOWN_DEFAULT_SECRETS = frozenset(
    {
        "",
        "changethis",
        "change-me",
        "changeme",
        "secret",
        "secret-key",
        "dev",
        "demo",
        "development",
        "insecure",
        "attunement",
        "attunement-demo",
    }
)

_SUPPORTED_DRIVERS = ("sqlite", "postgresql", "postgresql+psycopg")


#: The caseload's default measurement interval (``ATTUNE_OVERDUE_DAYS``): an episode with no
#: outcome measure for longer is overdue. Routine outcome monitoring measures at every
#: session; 14 days allows for fortnightly sessions (a clinic setting, not a clinical cut-off).
DEFAULT_OVERDUE_DAYS = 14

#: Hours after which an unacknowledged risk notification also goes to the clinician's
#: supervisor (``ATTUNE_RISK_ESCALATION_HOURS``): one working day. A clinic setting, not a
#: clinical cut-off: the risk event itself is pinned on the caseload from the first minute.
DEFAULT_RISK_ESCALATION_HOURS = 24

#: Days a finished job (done or failed) stays in the worker's queue table before the worker
#: deletes it (``ATTUNE_JOB_RETENTION_DAYS``): a month to look back at what ran and why one
#: failed. An operations setting, not a clinical figure; the messages, occasions and audit
#: trail the jobs worked on are kept, only the queue rows go.
DEFAULT_JOB_RETENTION_DAYS = 30
#: The shortest retention: a week's digest job is planned once per ISO week and the planner
#: knows it did by the job's row (``digest:USER:WEEK``), so a finished job must outlive the
#: week it was planned in (8 days > 7).
MIN_JOB_RETENTION_DAYS = 8

#: Database connections per app process: 40 kept open = the 40 threads Starlette (anyio)
#: runs synchronous request handlers on, so a request never queues for a connection behind
#: the pool (SQLAlchemy's own default, 5 + 10, made 25 of 40 wait). None beyond them: an
#: overflow connection is closed as soon as it is returned to a full pool, and under a
#: steady load (30 kept + 10 overflow) about one request in ten opened a new PostgreSQL
#: connection again (issue 13).
DEFAULT_DB_POOL_SIZE = 40
DEFAULT_DB_MAX_OVERFLOW = 0


class Settings(BaseSettings):
    """Validated configuration. Build it with :func:`load_settings` to get clean errors."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    database_url: str | None = None
    data_dir: Path = Field(default_factory=default_data_dir)
    secret_key: SecretStr | None = None
    mode: Mode = "production"
    public_url: str = "http://127.0.0.1:8000"
    cds_trust_file: Path | None = None
    audit_key: SecretStr | None = None
    audit_key_file: Path | None = None
    audit_anchor_dir: Path | None = None
    trusted_proxies: str = ""
    sqlite_synchronous: SqliteSynchronous = "FULL"
    caseness_convention: str = "published"
    #: Days without an outcome measure after which the caseload marks an episode overdue.
    overdue_days: int = Field(DEFAULT_OVERDUE_DAYS, ge=1, le=365)
    #: Hours before an unacknowledged risk notification goes to the supervisor too.
    risk_escalation_hours: int = Field(DEFAULT_RISK_ESCALATION_HOURS, ge=1, le=24 * 30)
    #: Days a finished job stays in the queue table before the worker deletes it.
    job_retention_days: int = Field(DEFAULT_JOB_RETENTION_DAYS, ge=MIN_JOB_RETENTION_DAYS, le=3650)
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1024)
    max_unverified_body_bytes: int = Field(256 * 1024, ge=1024)
    max_fhir_entries: int = Field(500, ge=1)
    clock_skew_seconds: int = Field(300, ge=0, le=86_400)
    #: Connections per process: kept open, and opened beyond those under load. The sum is
    #: the request threads (anyio's default limiter: 40), one connection per thread.
    db_pool_size: int = Field(DEFAULT_DB_POOL_SIZE, ge=1, le=1000)
    db_max_overflow: int = Field(DEFAULT_DB_MAX_OVERFLOW, ge=0, le=1000)
    #: Cookies without the Secure flag (plain http): demo and dev mode only, refused in
    #: production (``attune serve --insecure-cookies`` sets it for its worker processes).
    insecure_cookies: bool = False
    #: After a self-report, show the patient their own outcome chart (a clinic's choice).
    patient_sees_own_chart: bool = False
    #: Text messages through the provider adapter (attunement.delivery.sms): the account,
    #: the secret token (environment only), the sender and the API's base URL.
    sms_account_sid: str | None = None
    sms_auth_token: SecretStr | None = None
    sms_from: str | None = None
    sms_base_url: str = "https://api.twilio.com"
    sms_timeout_seconds: float = Field(10.0, gt=0, le=120)
    #: Outbound e-mail (``attune worker``): the SMTP server; the password from env only.
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = Field("attunement@localhost", pattern=r"^[^@\s]+@[^@\s]+$")
    #: The clinic's language (BCP 47): what clinician-facing text is in.
    clinic_language: str = "en"

    @field_validator("caseness_convention")
    @classmethod
    def _known_convention(cls, value: str) -> str:
        # start-up: the monitoring maths is not needed by the light commands
        from attunement.monitoring import caseness_convention_problem

        problem = caseness_convention_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("sqlite_synchronous", mode="before")
    @classmethod
    def _upper_synchronous(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("clinic_language")
    @classmethod
    def _check_clinic_language(cls, value: str) -> str:
        problem = clinic_language_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return str(canonical_language_tag(value.strip()))

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        entries = [part.strip() for part in value.split(",") if part.strip()]
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry[:60]!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24)"
                ) from None
        return ",".join(entries)

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        # start-up: sqlalchemy is loaded only when this runs (tests/cli/test_light_startup.py)
        from sqlalchemy.engine import make_url  # only a given URL needs SQLAlchemy
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"{value!r} is not a database URL ({exc})") from None
        if url.drivername not in _SUPPORTED_DRIVERS:
            raise ValueError(
                f"driver {url.drivername!r} is not supported; "
                f"use one of: {', '.join(_SUPPORTED_DRIVERS)}"
            )
        if url.drivername.startswith("postgresql") and url.drivername != "postgresql+psycopg":
            value = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @property
    def effective_database_url(self) -> str:
        """The URL actually used: the configured one, or SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'attunement.sqlite3'}"

    def database_engine(self) -> Engine:
        """An engine on the configured database, pooled for this process (not migrated)."""
        from attunement.store import make_engine  # start-up: SQLAlchemy only when used

        return make_engine(
            self.effective_database_url,
            sqlite_synchronous=self.sqlite_synchronous,
            pool_size=self.db_pool_size,
            max_overflow=self.db_max_overflow,
        )

    @property
    def trusted_proxy_list(self) -> list[str]:
        """The trusted reverse proxies (empty: no forwarded header is believed)."""
        return [part for part in self.trusted_proxies.split(",") if part]

    @property
    def effective_audit_anchor_dir(self) -> Path:
        """``ATTUNE_AUDIT_ANCHOR_DIR``, else one folder per database under the data dir.

        Anchors belong to one database's chain: the default folder is named after the
        database (``audit-anchors/<backend>-<name>-<digest of its URL>``), so the demo
        database and the clinic's never check each other's anchors.
        """
        if self.audit_anchor_dir is not None:
            return self.audit_anchor_dir
        # start-up: sqlalchemy is loaded only when this runs (tests/cli/test_light_startup.py)
        from sqlalchemy.engine import make_url

        url = make_url(self.effective_database_url)
        safe = url.render_as_string(hide_password=True)
        name = Path(url.database or "memory").name
        digest = hashlib.sha256(safe.encode()).hexdigest()[:10]
        slug = re.sub(r"[^A-Za-z0-9._-]", "_", f"{url.get_backend_name()}-{name}")[:60]
        return self.data_dir / "audit-anchors" / f"{slug}-{digest}"

    def audit_keyring(self) -> AuditKeyring:
        """The audit keys (see :mod:`attunement.security._audit_keys`); production needs one."""
        return load_audit_keys(
            keys=self.audit_key.get_secret_value() if self.audit_key else None,
            key_file=self.audit_key_file,
            data_dir=self.data_dir,
            production=self.mode == "production",
        )

    def ensure_data_dir(self) -> Path:
        """Create the data directory and prove it is writable, or raise ConfigurationError."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
        except OSError as exc:
            raise ConfigurationError(
                "ATTUNE_DATA_DIR", f"{str(self.data_dir)!r} is not writable ({exc.strerror})"
            ) from None
        return self.data_dir

    def signing_key(self) -> str:
        """The secret for signing; refuses known defaults in production.

        In demo and dev mode a missing secret is replaced by a random one that lives as
        long as this process (sessions do not survive a restart, which is fine there).
        """
        value = self.secret_key.get_secret_value() if self.secret_key else None
        if self.mode == "production":
            if value is None:
                raise ConfigurationError(
                    "ATTUNE_SECRET_KEY", "is required in production mode (set a random value)"
                )
            if value.strip().lower() in KNOWN_DEFAULT_SECRETS:
                raise ConfigurationError(
                    "ATTUNE_SECRET_KEY", "is a known default; refused in production mode"
                )
            problem = secret_problem(value)
            if problem:
                raise ConfigurationError("ATTUNE_SECRET_KEY", f"{problem}; refused in production")
            return value
        return value or _process_secret()


_PROCESS_SECRET: list[str] = []


def _process_secret() -> str:
    if not _PROCESS_SECRET:
        _PROCESS_SECRET.append(secrets.token_urlsafe(32))
    return _PROCESS_SECRET[0]


def load_settings(**overrides: object) -> Settings:
    """Build Settings from the environment plus explicit overrides (e.g. CLI flags).

    Raises ConfigurationError naming the ``ATTUNE_*`` setting on any invalid value.
    """
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = field_problems(exc)[0]
        field = str(first.loc[0]) if first.loc else "settings"
        raise ConfigurationError(f"ATTUNE_{field.upper()}", first.message) from None
