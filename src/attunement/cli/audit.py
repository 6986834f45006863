"""``attune audit``: verify, anchor and read the keyed, append-only audit trail.

Production schedule (see README, "Audit trail"): run ``attune audit anchor`` every 15
minutes (cron or a systemd timer) and ship each printed line to an append-only sink;
run ``attune audit verify`` daily and after any incident.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from attunement.cli._app import fail, sub_app
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli.users import operator, operator_context

if TYPE_CHECKING:
    from attunement.services import AuditVerification

audit_app = sub_app("audit", "The append-only audit trail, chained by a keyed MAC and anchored.")

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."
_ANCHOR_HELP = (
    "An anchor file, or a directory of them (default: ATTUNE_AUDIT_ANCHOR_DIR, else "
    "audit-anchors in the data directory)."
)


@audit_app.command("verify")
def verify(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    anchors: Path | None = typer.Option(None, "--anchors", help=_ANCHOR_HELP),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Walk every audit chain: recompute each entry's MAC, place and link, and compare each
    chain's end with its head row and every anchor; exit 2 naming the first entry that is
    altered, missing, moved or forged (its seq, chain and place in the chain).

    Needs the audit keys (ATTUNE_AUDIT_KEY or ATTUNE_AUDIT_KEY_FILE; old keys after the
    current one). Truncation is detected by the chains' head rows and, should those be
    moved back too, up to the latest anchor.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services import verify_audit_chain

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        result = verify_audit_chain(operator_context(settings, engine), operator(), anchors=anchors)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=2))
    if not result.intact:
        raise fail(f"audit trail broken {_where(result)}: {result.problem}")
    if not as_json:
        legacy = f" ({result.legacy_entries} legacy, unkeyed)" if result.legacy_entries else ""
        anchored = (
            f"anchored at entry {result.anchored_seq} ({result.anchors_checked} anchors "
            f"checked, {result.unanchored} newer entries not yet anchored)"
            if result.anchored_seq is not None
            else "no anchor found: removal of the newest entries cannot be detected; run "
            "`attune audit anchor`"
        )
        typer.echo(
            f"audit trail intact: {result.entries} entries{legacy} in {len(result.chains)} "
            f"chains, newest entry {result.head_seq} MAC {result.head_hash}; {anchored}"
        )
        for chain in result.chains:
            typer.echo(
                f"  chain {chain.chain}: {chain.entries} entries, head entry "
                f"{chain.head_chain_seq} (seq {chain.head_seq}) MAC {chain.head_hash}"
            )


def _where(result: AuditVerification) -> str:
    """Where the trail breaks: the entry (its seq, chain and place), a missing one, or the
    anchors."""
    if result.broken_at is not None:
        return (
            f"at entry {result.broken_at} (chain {result.broken_chain}, "
            f"entry {result.broken_chain_seq})"
        )
    if result.broken_chain is not None:
        return f"in chain {result.broken_chain} at entry {result.broken_chain_seq}"
    return "(anchors)"


@audit_app.command("anchor")
def anchor(
    directory: Path | None = typer.Option(
        None, "--dir", help="Where to write the anchor (default: ATTUNE_AUDIT_ANCHOR_DIR)."
    ),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Sign the chain's head with the audit key and write it outside the database.

    Checks the chain since the previous anchor first (a broken chain is not anchored),
    appends an audit.anchor entry, writes anchor-<seq>-<time>.json and prints the anchor as
    one JSON line on stdout: ship that line to an append-only sink (e.g. `| logger -t
    attune-audit` to a remote syslog, or an object store with retention lock).
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services import anchor_audit_chain

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        written = anchor_audit_chain(
            operator_context(settings, engine), operator(), directory=directory
        )
    finally:
        engine.dispose()
    typer.echo(written.line)
    typer.echo(f"anchored entry {written.seq} in {written.path}", err=True)


@audit_app.command("list")
def list_(
    action: str | None = typer.Option(
        None, "--action", help="Only this action, e.g. access.break_glass or login."
    ),
    after: int = typer.Option(0, "--after", min=0, help="Entries after this sequence number."),
    limit: int = typer.Option(100, "--limit", min=1, max=1000, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """List audit entries, oldest first (who, action, patient id, outcome); audited."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services import list_audit

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        entries = list_audit(
            operator_context(settings, engine), operator(), action=action, after=after, limit=limit
        )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in entries], indent=2))
        return
    for e in entries:
        patient = f" patient {e.patient_id}" if e.patient_id is not None else ""
        target = f" {e.target}" if e.target else ""
        typer.echo(
            f"{e.seq:>8} {e.at.isoformat()} {e.actor} {e.action}{patient}{target} {e.outcome}"
        )


@audit_app.command("new-key")
def new_key() -> None:
    """Print a fresh random audit key (256 bits) for ATTUNE_AUDIT_KEY or the key file.

    To rotate: put the new key first and keep the old ones after it
    (ATTUNE_AUDIT_KEY=new,old); old entries keep verifying under their key.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.security import new_audit_key

    typer.echo(new_audit_key())
