"""`mcpgov sentinel`: train the model, list and check rules, measure quality.

Thin click commands over the Python API; domain errors (a bad rule file, a missing
model, an empty lake) are mcpgov errors that the root group turns into exit code 2
with one line on stderr.
"""

from __future__ import annotations

from pathlib import Path

import click

from streams.lake.command import LAKE, LAKE_HELP
from streams.lake.location import LakePath

rules_option = click.option(
    "--rules", "rules_paths", multiple=True, type=click.Path(exists=True),
    help="Extra rule file or folder (YAML); repeat for more.")
builtin_option = click.option(
    "--builtin/--no-builtin", default=True, show_default=True,
    help="Include the shipped rules (detectors/rules/*.yaml).")


@click.group()
def sentinel() -> None:
    """Detect what one event alone cannot show: rules, learned model, quality.

    \b
    Example:
      mcpgov sentinel rules check my-rules.yaml
      mcpgov sentinel train --lake lake/ --out sentinel-model.json
    """


@sentinel.command()
@click.option("--lake", type=LAKE,
              help=f"{LAKE_HELP} Trains on its events (Parquet, read with DuckDB).")
@click.option("--events", "events_path", type=click.Path(dir_okay=False, exists=True),
              help="Or a JSONL file of governed events.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Model file to write (JSON).")
@click.option("--include-alerted", is_flag=True,
              help="Also learn from lake sessions that have an alert of these rules.")
@rules_option
@builtin_option
def train(lake: LakePath | None, events_path: str | None, out: str, include_alerted: bool,
          rules_paths: tuple[str, ...], builtin: bool) -> None:
    """Learn what normal looks like per agent from past governed events.

    Runs the rules over the events in time order and keeps, per agent, its tools,
    servers and scopes, its baselines, its routine flows and its tool transitions.
    Train on a period without known incidents.

    \b
    Example:
      mcpgov sentinel train --lake lake/ --out sentinel-model.json
      mcpgov sentinel train --events governed.jsonl --out sentinel-model.json
    """
    from streams.errors import UsageError
    from streams.sentinel.rules import load_rules
    from streams.sentinel.train import jsonl_events, lake_events
    from streams.sentinel.train import train as train_model

    if bool(lake) == bool(events_path):
        raise UsageError("give exactly one of --lake DIR or --events FILE")
    rules = load_rules(rules_paths, builtin=builtin)
    if lake:
        skip = [] if include_alerted else [r.rule.id for r in rules]
        model = train_model(lake_events(lake, exclude_rules=skip), rules, source=f"lake {lake}")
    else:
        assert events_path is not None
        model = train_model(jsonl_events(events_path), rules, source=f"events {events_path}")
    model.save(out)
    t = model.trained
    agents = len({a for rec in model.novelty.values() for a in rec.get("agents", {})})
    click.echo(f"trained on {_n(t['events'], 'event')} in {_n(t['sessions'], 'session')}, "
               f"{_n(agents, 'agent')}, {_n(len(t['rules']), 'rule')}: {out}")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@sentinel.group()
def rules() -> None:
    """List and check sentinel rule files.

    \b
    Example:
      mcpgov sentinel rules list
      mcpgov sentinel rules check my-rules.yaml
    """


@rules.command("list")
@rules_option
@builtin_option
def rules_list(rules_paths: tuple[str, ...], builtin: bool) -> None:
    """List the rules in effect: id, kind, severity, file.

    \b
    Example:
      mcpgov sentinel rules list --rules my-rules.yaml
    """
    from streams.sentinel.rules import load_rules

    for item in load_rules(rules_paths, builtin=builtin):
        r = item.rule
        click.echo(f"{r.id:<34} {r.kind:<18} {r.severity:<9} {Path(item.source).name}")


@rules.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@builtin_option
def rules_check(files: tuple[str, ...], builtin: bool) -> None:
    """Validate rule files (with the shipped rules, so ids must not clash).

    Exit code 2 and one line naming the file and the field when a rule is wrong.

    \b
    Example:
      mcpgov sentinel rules check my-rules.yaml
    """
    from streams.sentinel.rules import load_file, load_rules
    from streams.yamlfile import yaml_files

    load_rules(files, builtin=builtin)
    for path in files:
        items = [load_file(p) for p in yaml_files([path])]
        click.echo(f"ok {path}: {_n(sum(len(i) for i in items), 'rule')}")


@sentinel.command()
@click.option("--sessions", default=400, show_default=True, help="Sessions to score.")
@click.option("--seed", default=7, show_default=True, help="Seed of the scored traffic.")
@click.option("--attack-share", default=0.2, show_default=True,
              help="Share of attack sessions in the scored traffic.")
@click.option("--train-sessions", default=300, show_default=True,
              help="Benign sessions to train on first (0: no model).")
@click.option("--train-seed", default=101, show_default=True,
              help="Seed of the training traffic (differs from --seed).")
@click.option("--workers", default=2, show_default=True, help="Processes that govern.")
@rules_option
@builtin_option
def measure(sessions: int, seed: int, attack_share: float, train_sessions: int,
            train_seed: int, workers: int, rules_paths: tuple[str, ...],
            builtin: bool) -> None:
    """Score the sentinel on generated traffic with ground truth (no NER).

    Trains on benign traffic of another seed first, as an operator would, then
    prints detection by attack kind and false alerts on benign sessions.

    \b
    Example:
      mcpgov sentinel measure --sessions 600 --seed 9 --train-sessions 300
    """
    from streams.generate.api import generate
    from streams.keyring import Keyring
    from streams.sentinel.engine import Sentinel
    from streams.sentinel.quality import govern
    from streams.sentinel.quality import measure as run_measure
    from streams.sentinel.rules import load_rules
    from streams.sentinel.train import train as train_model

    rules = load_rules(rules_paths, builtin=builtin)
    ring = Keyring.new()
    model = None
    if train_sessions:
        raw, _ = generate(train_sessions, seed=train_seed, attack_share=0.0)
        model = train_model(govern(raw, ring, workers), rules, source=f"seed {train_seed}")
    raw, truth = generate(sessions, seed=seed, attack_share=attack_share)
    quality = run_measure(Sentinel(rules, model), govern(raw, ring, workers), truth)
    for line in quality.lines():
        click.echo(line)
