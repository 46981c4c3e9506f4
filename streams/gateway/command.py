"""`mcpgov proxy -- COMMAND...` and `mcpgov publish --input FILE`: thin commands over the API.

The proxy's standard output IS the MCP channel to the client: nothing but relayed
server lines is ever written there; every word of ours goes to standard error.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from streams.errors import UsageError
from streams.gateway.config import load_config, merge
from streams.gateway.envelope import EnvelopeBuilder, GatewayContext
from streams.gateway.errors import SpoolLocked
from streams.gateway.hooks import load_subject_hook
from streams.gateway.sinks import JsonlSink, Sink
from streams.kafka.connection import kafka_config_option

_ENV = "MCPGOV_"


def _opt(name: str, help_: str, **kw: Any) -> Any:
    env = _ENV + name.lstrip("-").replace("-", "_").upper()
    return click.option(name, envvar=kw.pop("envvar", env), show_envvar=True, help=help_, **kw)


_IDENTITY_OPTIONS = [
    _opt("--tenant", "Tenant id [default: default]."),
    _opt("--user", "Human user the client acts for [default: your login name]."),
    _opt("--agent", "AI agent (application) acting [default: the client's clientInfo.name]."),
    _opt("--client-id", "MCP client id [default: the client's clientInfo.name]."),
    _opt("--scopes", "Comma-separated OAuth scopes granted to the client."),
    _opt("--purpose", "Declared purpose of processing, e.g. treatment."),
    _opt("--server-name", "Server name in events [default: from the command]."),
    _opt("--server-region", "Server region code [default: the gateway's]."),
    _opt("--server-version", "Server version [default: from its initialize answer]."),
    _opt("--gateway-id", "This gateway's id [default: mcpgov-proxy]."),
    _opt("--gateway-region", "This gateway's region code [default: us]."),
    _opt("--subject", "Fixed data subject id for every event."),
    _opt("--subject-from", "Derive the data subject from tool arguments: an argument name "
         "(patient_id), a dotted path (patient.id) or a Python hook module:function."),
    _opt("--subject-region", "Home region of the data subject, e.g. eu."),
    _opt("--session-id", "Session id [default: a fresh one per run]."),
]


def _identity_options(func: Any) -> Any:
    for option in reversed(_IDENTITY_OPTIONS):
        func = option(func)
    return func


@click.command(context_settings={"allow_interspersed_args": False})
@_opt("--broker", "Kafka bootstrap address (host:port).",
      envvar=["MCPGOV_BROKER", "KAFKA_BOOTSTRAP_SERVERS"], metavar="URL")
@kafka_config_option
@_opt("--topic", "Raw topic [default: mcp.events.raw].")
@_opt("--out", "Write envelopes as JSONL to this file instead of Kafka.",
      type=click.Path(dir_okay=False))
@_identity_options
@_opt("--config", "YAML settings file (flags and env win over it).",
      envvar="MCPGOV_PROXY_CONFIG", type=click.Path(dir_okay=False))
@_opt("--spool-dir", "Spool directory [default: ~/.cache/mcpgov/spool/SERVER-NAME].",
      type=click.Path(file_okay=False))
@_opt("--max-spool-bytes", "Spool bound [default: 268435456].", type=click.IntRange(min=1))
@_opt("--fsync", "Spool fsync policy [default: interval].",
      type=click.Choice(["always", "interval", "never"]))
@_opt("--delivery-timeout", "Seconds Kafka has to ack before events spool [default: 15].",
      type=click.FloatRange(min=0.1))
@_opt("--loglevel", "Log level on stderr.", default="warning", show_default=True,
      type=click.Choice(["debug", "info", "warning", "error"]))
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def proxy(command: tuple[str, ...], config: str | None, loglevel: str, **given: Any) -> None:
    """Relay a stdio MCP server unchanged and publish every message it sees.

    Launches COMMAND, relays JSON-RPC lines between this process's stdin/stdout and
    the server's byte for byte, pairs responses with requests (method, tool,
    latency) and publishes each message as a raw envelope, to Kafka (--broker;
    spooled on disk while Kafka is away) or to a JSONL file (--out). The relay never
    waits on Kafka. Exits with the server's exit code. Each flag also reads
    MCPGOV_<FLAG> (e.g. MCPGOV_TENANT) and a --config YAML file.

    \b
    Example:
      mcpgov proxy --broker 127.0.0.1:9092 --tenant acme-health --user dr.jones \\
          --purpose treatment --subject-from patient_id -- python ehr_server.py
    """
    _setup_logging(loglevel)
    settings = merge(given, load_config(config) if config else {})
    settings.setdefault("server_name", _guess_server_name(command))
    builder = EnvelopeBuilder(_context(settings),
                              subject_hook=load_subject_hook(settings.get("subject_from")))
    sink = _sink(settings)
    from streams.gateway.proxy import StdioProxy

    relay = StdioProxy(command, sink, builder, client_in=sys.stdin.buffer,
                       client_out=sys.stdout.buffer)
    try:
        code = relay.run()
    except OSError as exc:
        sink.close(timeout=1.0)
        raise UsageError(f"cannot start the server command {command[0]!r}: "
                         f"{exc.strerror or exc}") from None
    # The client-side reader thread may still block in stdin.readline() (the client sent
    # SIGTERM without closing our stdin); a normal interpreter exit would then abort on
    # stdin's lock. The sink is closed and stdout flushed, so leave at once.
    logging.shutdown()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _context(s: dict[str, Any]) -> GatewayContext:
    scopes = tuple(x.strip() for x in (s.get("scopes") or "").split(",") if x.strip())
    kwargs: dict[str, Any] = {
        "tenant": s.get("tenant") or "default", "gateway_id": s.get("gateway_id") or
        "mcpgov-proxy", "gateway_region": s.get("gateway_region") or "us",
        "user": s.get("user") or _login(), "agent": s.get("agent"),
        "client_id": s.get("client_id"), "scopes": scopes,
        "server_name": s["server_name"], "server_version": s.get("server_version"),
        "server_region": s.get("server_region"), "purpose": s.get("purpose"),
        "subject_id": s.get("subject"), "subject_region": s.get("subject_region")}
    if s.get("session_id"):
        kwargs["session_id"] = s["session_id"]
    return GatewayContext(**kwargs)


def _sink(s: dict[str, Any]) -> Sink:
    if s.get("out"):
        return JsonlSink(s["out"])
    if not s.get("broker"):
        raise UsageError("give --broker URL (or MCPGOV_BROKER / KAFKA_BOOTSTRAP_SERVERS) or "
                         "--out FILE")
    from streams.gateway.publisher import Publisher
    from streams.kafka.local import cache_root

    base = Path(s.get("spool_dir") or cache_root() / "spool" / s["server_name"]).expanduser()
    kwargs = {k: s[k] for k in ("fsync", "delivery_timeout") if s.get(k) is not None}
    if s.get("max_spool_bytes"):
        kwargs["max_spool_bytes"] = s["max_spool_bytes"]
    for attempt in range(8):  # a second proxy of the same server takes the next directory
        spool = base if attempt == 0 else base.with_name(f"{base.name}-{attempt}")
        try:
            return Publisher(s["broker"], s.get("topic") or "mcp.events.raw", spool_dir=spool,
                             on_invalid="json", **kwargs)
        except SpoolLocked:
            continue
    raise UsageError(f"every spool directory {base}[-1..-7] is in use; pass --spool-dir")


def _guess_server_name(command: tuple[str, ...]) -> str:
    """`python -m ehr_server` -> ehr_server, `npx -y @acme/fhir-mcp` -> fhir-mcp, else argv0."""
    runners = ("python", "python3", "node", "npx", "uv", "uvx", "deno", "bun", "java", "sh")
    name = Path(command[0]).name
    if any(name == r or name.startswith(r + ".") for r in runners):
        args = iter(command[1:])
        for word in args:
            if word in ("-c", "-e", "--eval"):  # inline code: no name to take
                break
            if word == "-m":
                name = next(args, name)
                break
            if not word.startswith("-") and word not in ("run", "tool", "x"):
                name = Path(word.rsplit("/", 1)[-1]).stem or name
                break
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name.removesuffix(".py")).strip("-.")
    return name or "mcp-server"


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _setup_logging(level: str) -> None:
    logging.basicConfig(stream=sys.stderr, level=level.upper(),
                        format="mcpgov %(levelname)s %(name)s: %(message)s")
    # librdkafka repeats every failed connect; the publisher reports outages itself
    logging.getLogger("streams.kafka.librdkafka").setLevel(
        logging.DEBUG if level == "debug" else logging.CRITICAL)


@click.command()
@click.option("--input", "input_path", required=True, type=click.Path(allow_dash=True),
              help="JSONL envelopes, one per line; '-' reads standard input.")
@click.option("--broker", required=True, metavar="URL", envvar="KAFKA_BOOTSTRAP_SERVERS",
              help="Kafka bootstrap address [env KAFKA_BOOTSTRAP_SERVERS].")
@kafka_config_option
@click.option("--topic", default="mcp.events.raw", show_default=True, help="Raw topic.")
@click.option("--spool-dir", type=click.Path(file_okay=False),
              help="Keep undelivered events here for a later run [default: a temporary "
                   "directory, kept only if something is left in it].")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to wait for Kafka to ack everything.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr [default: when stderr is a terminal].")
def publish(input_path: str, broker: str, topic: str, spool_dir: str | None, timeout: float,
            progress: bool | None) -> None:
    """Replay JSONL envelopes to the raw topic, as a gateway would send them.

    Valid envelopes go as Avro keyed by session_id; invalid lines are sent as they
    are, so the governor dead-letters them with a reason (their count is printed).
    Exits 1 when Kafka did not ack every event within --timeout.

    \b
    Example:
      mcpgov generate --sessions 50 --seed 7 --out traffic.jsonl
      mcpgov publish --input traffic.jsonl --broker 127.0.0.1:9092
    """
    from streams.gateway import publish_file

    _setup_logging("warning")
    show = sys.stderr.isatty() if progress is None else progress
    summary = publish_file.run(input_path, broker, topic=topic, spool_dir=spool_dir,
                               timeout=timeout, progress=show)
    click.echo(summary.line(), err=True)
    summary.check()
