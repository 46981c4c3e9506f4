"""The `mcpgov` command line: one thin click command per verb over the Python API.

Exit codes follow the contract: 0 success, 1 a check failed, 2 bad usage or bad
input, with one clear line on stderr. Commands live beside the code they drive and
are registered here, so `mcpgov --help` lists them all in one place.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from streams import __version__
from streams.errors import CheckFailed, MCPGovError, UsageError
from streams.kafka.connection import kafka_config_option
from streams.lake.command import LAKE, LAKE_HELP
from streams.lake.location import LakePath


class _Group(click.Group):
    """Turns mcpgov's typed errors into the contract's exit codes and one stderr line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CheckFailed as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except (UsageError, MCPGovError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mcpgov")
def main() -> None:
    """Govern what AI agents do through MCP: classify, tokenize, route, alert, land.

    Start with the embedded pipeline, no Kafka needed:

    \b
      mcpgov generate --sessions 200 --seed 7 --out traffic.jsonl
      mcpgov run --input traffic.jsonl --lake lake/

    Then run the same stages on Kafka with `mcpgov kafka start` and `mcpgov worker`.
    """


keyring_option = click.option(
    "--keyring", type=click.Path(dir_okay=False), envvar="MCPGOV_KEYRING",
    help="Keyring file with the tenant keys [env MCPGOV_KEYRING; default "
         "~/.config/mcpgov/keyring.json, created on first use].")
policy_option = click.option(
    "--policy", type=click.Path(exists=True, dir_okay=False), envvar="MCPGOV_POLICY",
    help="Governance policy YAML (health marking, minimization, residency) "
         "[env MCPGOV_POLICY; default: the safe built-in policy].")
sentinel_rules_option = click.option(
    "--rules", "rule_files", multiple=True, type=click.Path(exists=True),
    help="Sentinel: extra rule file or folder (YAML); repeat for more.")
sentinel_model_option = click.option(
    "--model", "model_path", type=click.Path(exists=True, dir_okay=False),
    envvar="MCPGOV_SENTINEL_MODEL",
    help="Sentinel: learned model from `mcpgov sentinel train` [env MCPGOV_SENTINEL_MODEL].")
detectors_option = click.option(
    "--detectors", "detector_files", multiple=True, type=click.Path(exists=True),
    help="Extra YAML detector file or folder; repeat for more.")


@main.command()
@click.option("--input", "input_path", required=True, type=click.Path(allow_dash=True),
              help="JSONL raw envelopes, one per line; '-' reads standard input.")
@click.option("--lake", required=True, type=LAKE,
              help=f"{LAKE_HELP} Parquet lands under events/ and alerts/.")
@click.option("--alerts", "alerts_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Also write alerts as JSONL here ('-' for standard output).")
@click.option("--dlq", "dlq_path", type=click.Path(dir_okay=False),
              help="Dead letters as JSONL [default: LAKE/dlq/<input>.jsonl].")
@policy_option
@keyring_option
@detectors_option
@click.option("--ner/--no-ner", default=True, show_default=True,
              help="Run spaCy NER over free text (finds names; the slower path).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr [default: when stderr is a terminal].")
@click.option("--sentinel/--no-sentinel", "use_sentinel", default=True, show_default=True,
              help="Run the sentinel (sequence rules) over the governed events.")
@sentinel_rules_option
@sentinel_model_option
@click.option("--subject-keys", "subject_keys", type=click.Path(file_okay=False),
              envvar="MCPGOV_SUBJECT_KEYS",
              help="Subject key store folder: also seal each tokenized value of a data "
                   "subject into the lake's vault/, so it can be detokenized or erased "
                   "(docs/erasure.md) [env MCPGOV_SUBJECT_KEYS; default: no vault].")
def run(input_path: str, lake: LakePath, alerts_path: str | None, dlq_path: str | None,
        policy: str | None, keyring: str | None, detector_files: tuple[str, ...], ner: bool,
        progress: bool | None, use_sentinel: bool, rule_files: tuple[str, ...],
        model_path: str | None, subject_keys: str | None) -> None:
    """Run the whole pipeline in one process on a JSONL file, no Kafka needed.

    Bad input goes to the dead-letter file with its reason and the run goes on;
    the exit code is 0 when that happened as designed.

    \b
    Example:
      mcpgov generate --sessions 200 --seed 7 --out traffic.jsonl
      mcpgov run --input traffic.jsonl --lake lake/ --alerts alerts.jsonl
      mcpgov run --input traffic.jsonl --lake lake/ --subject-keys subject-keys/
    """
    from pathlib import Path

    from streams.factory import build_governor
    from streams.runner import run as run_pipeline
    from streams.sentinel import Sentinel

    lake_dir = lake
    name = "stdin" if input_path == "-" else Path(input_path).stem
    if input_path != "-" and not Path(input_path).is_file():
        raise UsageError(f"no such input file: {input_path}")
    sentinel = Sentinel.from_files(list(rule_files), model_path) if use_sentinel else None
    governor = build_governor(policy=policy, keyring=keyring, detectors=list(detector_files),
                              ner=ner, subject_keys=subject_keys)
    dlq_file = Path(dlq_path) if dlq_path else lake_dir / "dlq" / f"{name}.jsonl"
    dlq_file.parent.mkdir(parents=True, exist_ok=True)
    show = sys.stderr.isatty() if progress is None else progress
    with _open_in(input_path) as src, dlq_file.open("w", encoding="utf-8") as dlq, \
            _open_out(alerts_path) as alerts:
        summary = run_pipeline(governor, src, lake_dir, name=name, alerts_out=alerts,
                               dlq_out=dlq, progress=show,
                               total=_count_lines(input_path) if show else None,
                               sentinel=sentinel)
    for line in summary.lines_out():
        click.echo(line, err=True)
    click.echo(f"dead letters in  {dlq_file}", err=True)


def _open_in(path: str) -> Any:
    import contextlib

    if path == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    return open(path, "rb")  # noqa: SIM115 - closed by the caller's with


def _open_out(path: str | None) -> Any:
    import contextlib

    if path is None:
        return contextlib.nullcontext(None)
    if path == "-":
        return contextlib.nullcontext(sys.stdout)
    return open(path, "w", encoding="utf-8")  # noqa: SIM115


def _count_lines(path: str) -> int | None:
    if path == "-":
        return None
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


@main.command()
@click.argument("stage", type=click.Choice(["governor", "lander", "sentinel"]))
@click.option("--broker", required=True, envvar="KAFKA_BOOTSTRAP_SERVERS",
              help="Kafka bootstrap servers, e.g. 127.0.0.1:9092 [env KAFKA_BOOTSTRAP_SERVERS].")
@kafka_config_option
@click.option("--app-id", default=None, help="Consumer group / faust app id [mcpgov-STAGE].")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Faust state folder [~/.cache/mcpgov/faust/APP-ID].")
@click.option("--batch", default=256, show_default=True, help="Events governed per batch.")
@click.option("--topic-prefix", default="", help="Put PREFIX in front of every contract topic.")
@click.option("--lake", type=LAKE, help=f"{LAKE_HELP} (lander only)")
@click.option("--session-timeout", default=60.0, show_default=True,
              help="Seconds before the group gives a dead worker's partitions to others.")
@policy_option
@keyring_option
@detectors_option
@click.option("--ner/--no-ner", default=True, show_default=True,
              help="Run spaCy NER over free text.")
@click.option("--loglevel", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
@sentinel_rules_option
@sentinel_model_option
@click.option("--regions", default="eu,us,uk,apac", show_default=True,
              help="Sentinel: regions whose governed topics to read.")
@click.option("--subject-keys", "subject_keys", metavar="DIR|kafka|kafka:TOPIC",
              envvar="MCPGOV_SUBJECT_KEYS",
              help="Governor: also seal each tokenized value of a data subject into "
                   "mcp.vault under the subject's key, from a folder or, with `kafka`, the "
                   "compacted topic mcp.subject-keys on --broker (docs/erasure.md) "
                   "[env MCPGOV_SUBJECT_KEYS; default: no vault].")
@click.pass_context
def worker(ctx: click.Context, stage: str, broker: str, app_id: str | None,
           data_dir: str | None, batch: int, topic_prefix: str, lake: LakePath | None,
           session_timeout: float, policy: str | None, keyring: str | None,
           detector_files: tuple[str, ...], ner: bool, loglevel: str,
           rule_files: tuple[str, ...], model_path: str | None, regions: str,
           subject_keys: str | None) -> None:
    """Run one pipeline stage as a Kafka worker; start several for scale.

    The governor reads mcp.events.raw and writes mcp.events.governed.<region>,
    mcp.events.dlq and mcp.alerts (and mcp.vault with --subject-keys). The lander
    reads the governed topics, mcp.alerts and mcp.vault and writes signed Parquet
    into --lake, committing offsets only after the files are on disk. The sentinel
    reads the governed topics and writes mcp.alerts, its state in a changelog-backed
    table (docs/sentinel.md).
    Workers with the same --app-id share the partitions between them. Stop with
    Ctrl-C or SIGTERM.

    \b
    Example:
      mcpgov kafka start
      mcpgov topics create --broker 127.0.0.1:9092
      mcpgov worker governor --broker 127.0.0.1:9092
      mcpgov worker governor --broker 127.0.0.1:9092 --subject-keys kafka
      mcpgov worker lander --broker 127.0.0.1:9092 --lake lake/
      mcpgov worker sentinel --broker 127.0.0.1:9092 --model sentinel-model.json
    """
    given = ctx.get_parameter_source("subject_keys") == click.core.ParameterSource.COMMANDLINE
    if stage != "governor" and subject_keys and given:
        raise UsageError("--subject-keys is for the governor stage only")
    if stage == "lander":
        from streams.lander_command import run_worker

        if not lake:
            raise UsageError("worker lander needs --lake DIR")
        run_worker(broker, lake, keyring=keyring, group_id=app_id, topic_prefix=topic_prefix,
                   loglevel=loglevel)
        return
    from pathlib import Path

    import faust

    from streams.factory import build_governor
    from streams.faust_app import governor_agent, make_app
    from streams.kafka.topics import TopicNames

    app_id = app_id or f"mcpgov-{stage}"
    folder = Path(data_dir or Path("~/.cache/mcpgov/faust").expanduser() / app_id)
    folder.mkdir(parents=True, exist_ok=True)
    if stage == "sentinel":
        from streams.kafka.topics import parse_regions
        from streams.sentinel.agent import governed_topics
        from streams.sentinel.worker import run_sentinel_worker

        names = TopicNames.build(topic_prefix)
        run_sentinel_worker(broker, app_id, folder, names, list(rule_files), model_path,
                            governed=governed_topics(names, parse_regions(regions)),
                            loglevel=loglevel)
        return
    keys = None
    if subject_keys:
        import atexit

        from streams.erasure.stores import open_subject_keys
        from streams.keyring import load_keyring

        keys = open_subject_keys(subject_keys, load_keyring(keyring), broker=broker,
                                 topic_prefix=topic_prefix)
        if hasattr(keys, "close"):
            atexit.register(keys.close)
    governor = build_governor(policy=policy, keyring=keyring, detectors=list(detector_files),
                              ner=ner, subject_keys=keys)
    app = make_app(broker, app_id=app_id, data_dir=str(folder),
                   broker_session_timeout=session_timeout,
                   broker_heartbeat_interval=min(3.0, session_timeout / 4))
    governor_agent(app, governor, TopicNames.build(topic_prefix), batch=batch)
    faust.Worker(app, loglevel=loglevel.upper()).execute_from_commandline()


@main.group()
def keys() -> None:
    """Create, rotate and list the tokenization keys (secrets never printed).

    \b
    Example:
      mcpgov keys create --keyring keys.json
      mcpgov keys rotate --keyring keys.json
    """


@keys.command("create")
@keyring_option
@click.option("--force", is_flag=True, help="Replace an existing keyring (old tokens orphaned).")
def keys_create(keyring: str | None, force: bool) -> None:
    """Create a keyring with one fresh key (file mode 0600).

    \b
    Example:
      mcpgov keys create --keyring keys.json
    """
    from pathlib import Path

    from streams.keyring import DEFAULT_PATH, Keyring

    target = Path(keyring or DEFAULT_PATH).expanduser()
    if target.exists() and not force:
        raise UsageError(f"a keyring already exists at {target}; use --force to replace it")
    ring = Keyring.new()
    ring.save(target)
    click.echo(f"created {target} with active key {ring.active}")


@keys.command("rotate")
@keyring_option
def keys_rotate(keyring: str | None) -> None:
    """Add a new key and make it active; old keys stay for old tokens.

    \b
    Example:
      mcpgov keys rotate --keyring keys.json
    """
    from streams.keyring import load_keyring

    ring = load_keyring(keyring, create=False)
    old = ring.active
    new = ring.rotate()
    ring.save()
    click.echo(f"rotated {ring.path}: active key {old} -> {new}")


@keys.command("list")
@keyring_option
def keys_list(keyring: str | None) -> None:
    """List key ids, which is active and when each was made.

    \b
    Example:
      mcpgov keys list --keyring keys.json
    """
    from streams.keyring import load_keyring

    ring = load_keyring(keyring, create=False)
    for kid in sorted(ring.keys, key=lambda k: int(k[1:]) if k[1:].isdigit() else 0):
        mark = "*" if kid == ring.active else " "
        click.echo(f"{mark} {kid}  created {ring.created.get(kid, 'unknown')}")


def _register() -> None:
    from streams.erasure.command import detokenize, erase
    from streams.gateway.command import proxy, publish
    from streams.generate.command import generate
    from streams.kafka.command import kafka, topics
    from streams.lake.command import query, verify
    from streams.lake.ops_command import access_report, retention, ropa
    from streams.sentinel.command import sentinel

    for cmd in (generate, kafka, topics, query, verify, proxy, publish, sentinel,
                ropa, access_report, retention, erase, detokenize):
        main.add_command(cmd)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
