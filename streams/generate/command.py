"""`mcpgov generate`: a thin click command over `streams.generate.api`."""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from streams.generate.api import generate as build
from streams.generate.api import write
from streams.generate.domains import DOMAINS


@click.command()
@click.option("--sessions", "-n", type=int, required=True, help="Number of MCP sessions.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option("--out", "-o", required=True, help="JSONL output file, or - for stdout.")
@click.option(
    "--attack-share",
    type=float,
    default=0.1,
    show_default=True,
    help="Share of sessions that are attacks (0 to 1).",
)
@click.option(
    "--truth",
    type=click.Path(dir_okay=False),
    default=None,
    help="Ground-truth file [default: <out>.truth.json; none with --out - unless given].",
)
@click.option(
    "--domains",
    default=",".join(DOMAINS),
    show_default=True,
    help="Comma-separated domains to generate.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr [default: when stderr is a terminal].",
)
def generate(
    sessions: int,
    seed: int,
    out: str,
    attack_share: float,
    truth: str | None,
    domains: str,
    progress: bool | None,
) -> None:
    """Generate synthetic MCP traffic (raw envelopes, JSONL) with ground truth.

    Sessions of a clinical EHR assistant, card payments, open banking and a CRM /
    help desk, with valid synthetic card numbers, SSNs, IBANs, NPIs, MRNs, secrets
    and look-alikes; about --attack-share of them are exfiltration, bulk
    enumeration, scope probing or first-use attacks. The truth file lists every
    sensitive value and look-alike (type, JSON path, offsets) and each session's
    label.

    Example:

    \b
      mcpgov generate --sessions 300 --seed 7 --out traffic.jsonl
      mcpgov generate -n 50 --seed 1 --domains ehr,crm --attack-share 0.2 \\
          --out - --truth truth.json | mcpgov run --input - --lake lake/
    """
    names = [d.strip() for d in domains.split(",") if d.strip()]
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=max(sessions, 0), unit="session", file=sys.stderr, disable=not show) as bar:
        events, gt = build(sessions, seed, attack_share, names, progress=bar.update)
    truth_path = write(events, gt, out, truth)
    s = gt.summary()
    click.echo(
        f"generated {s['events']} events, {s['sessions']} sessions ({s['attacks']} attacks), "
        f"{s['values']} sensitive values, {s['lookalikes']} look-alikes -> {out}"
        + (f" (truth: {truth_path})" if truth_path else ""),
        err=True,
    )
