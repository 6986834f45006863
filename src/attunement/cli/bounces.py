"""``attune bounces import``: read the bounces that came back to the worker's sender address.

Point the sender address (``ATTUNE_SMTP_FROM``) at a mailbox the clinic's mail server
delivers to — a Maildir or an mbox file on this machine — and run this command from cron
after ``attune worker --once`` (see README, "Scheduled measurement"). Reading the same
mailbox again changes nothing: a bounce already recorded is counted as such.

Every path is read before anything is recorded: an unreadable path exits 2 naming it, and
nothing of the run is stored.
"""

from __future__ import annotations

from pathlib import Path

import typer

from attunement.cli._app import sub_app
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli._files import MAX_INPUT_BYTES
from attunement.cli.users import operator, operator_context
from attunement.errors import InvalidFile

bounces_app = sub_app(
    "bounces", "Delivery reports (bounces) of e-mails the worker sent: make them visible."
)

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."


def _read_maildir(path: Path) -> list[bytes]:
    import mailbox  # start-up: the e-mail stack only when bounces are read

    if not (path / "cur").is_dir() or not (path / "new").is_dir():
        raise InvalidFile(
            str(path), "is a directory but not a Maildir (it has no cur/ and new/ folders)"
        )
    box = mailbox.Maildir(path, factory=None, create=False)
    return [box.get_bytes(key) for key in box.iterkeys()]


def _read_file(path: Path) -> list[bytes]:
    with path.open("rb") as handle:
        start = handle.read(5)
    if start == b"From ":  # an mbox: messages separated by "From " lines
        import mailbox  # start-up: the e-mail stack only when bounces are read

        box = mailbox.mbox(path, factory=None, create=False)
        return [box.get_bytes(key) for key in box.iterkeys()]
    with path.open("rb") as handle:
        raw = handle.read(MAX_INPUT_BYTES + 1)
    if len(raw) > MAX_INPUT_BYTES:
        raise InvalidFile(str(path), f"larger than {MAX_INPUT_BYTES:,} bytes; not read")
    return [raw]


def read_mail(path: Path) -> list[bytes]:
    """Every e-mail in ``path`` (one ``.eml`` file, an mbox or a Maildir), raw."""
    import mailbox  # start-up: the e-mail stack only when bounces are read

    try:
        return _read_maildir(path) if path.is_dir() else _read_file(path)
    except FileNotFoundError:
        raise InvalidFile(str(path), "no such file or directory") from None
    except OSError as error:
        raise InvalidFile(str(path), f"cannot be read ({error.strerror or error})") from None
    except (mailbox.Error, ValueError) as error:
        raise InvalidFile(str(path), f"not a readable mailbox ({error})") from None


@bounces_app.command("import")
def import_(
    paths: list[Path] = typer.Argument(
        ..., help="E-mail files (.eml), mbox files or Maildir folders to read."
    ),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Mark the invitations, reminders and staff e-mails that bounced, from the delivery
    status notifications (RFC 3464) in PATHS.

    A failed delivery marks the message "bounced" with the remote server's reason, shown on
    the due list (staff e-mails: "could not be delivered" on the notifications page). A
    delayed delivery changes nothing; other mail (auto-replies, answers) is ignored. Prints
    the counts: matched, already recorded, delayed, unknown (not our Message-ID), ignored.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services import record_bounces

    messages = [raw for path in paths for raw in read_mail(path)]
    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        summary = record_bounces(operator_context(settings, engine), operator(), messages)
    finally:
        engine.dispose()
    typer.echo(
        f"{len(messages)} e-mails read: {summary.matched} bounces recorded, "
        f"{summary.already} already recorded, {summary.delayed} delayed (nothing changed), "
        f"{summary.unknown} unknown (not a message of ours), "
        f"{summary.ignored} ignored (not delivery reports)"
    )
