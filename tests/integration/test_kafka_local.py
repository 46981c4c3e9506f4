"""The Kafka plumbing against a real Apache Kafka broker (see tests/conftest.py).

Produce/consume with confluent-kafka, the contract's topics as created, a faust agent
running on the broker, and the `mcpgov kafka` / `mcpgov topics` commands.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, ConfigResource, ResourceType

from streams.cli import main
from streams.kafka import procs
from streams.kafka.errors import BrokerNotReady, MavenFailed, ToolNotFound
from streams.kafka.local import LocalKafka, fetch, jars_dir
from streams.kafka.topics import DAY_MS, TopicNames, TopicSpec, contract_topics, create_topics

CLIENT_LOG = logging.getLogger("tests.librdkafka")  # keeps retry notices off the console


def produce(bootstrap, topic, records):
    """Idempotent, acks=all: what the pipeline's producers use."""
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True,
                         "acks": "all", "linger.ms": 5}, logger=CLIENT_LOG)
    failed = []
    for key, value in records:
        producer.produce(topic, key=key, value=value,
                         on_delivery=lambda err, msg: err and failed.append(err))
    assert producer.flush(30) == 0
    assert failed == []


def consume(bootstrap, topic, group, expected, timeout=30.0, keep_going=lambda: True):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                         "auto.offset.reset": "earliest", "session.timeout.ms": 6000,
                         "enable.auto.commit": False}, logger=CLIENT_LOG)
    consumer.subscribe([topic])
    got = []
    deadline = time.monotonic() + timeout
    try:
        while len(got) < expected and time.monotonic() < deadline and keep_going():
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            assert msg.error() is None, msg.error()
            got.append((msg.key(), msg.value()))
        # a short extra poll: anything more than expected would be a duplicate
        extra = consumer.poll(1.0)
        if extra is not None and extra.error() is None:
            got.append((extra.key(), extra.value()))
    finally:
        consumer.close()
    return got


def one_topic(bootstrap, name, partitions=1):
    create_topics(bootstrap, [TopicSpec(name, partitions)])


@pytest.mark.kafka
def test_json_records_arrive_once_with_their_keys(kafka_bootstrap, kafka_names):
    topic = kafka_names.topic()
    one_topic(kafka_bootstrap, topic, partitions=3)
    sent = {f"sess-{i % 17}-{i}".encode(): {"n": i, "tool": "get_patient_record"}
            for i in range(300)}
    produce(kafka_bootstrap, topic, [(k, json.dumps(v).encode()) for k, v in sent.items()])
    got = consume(kafka_bootstrap, topic, kafka_names.group(), len(sent))
    assert len(got) == len(sent)
    assert {k: json.loads(v) for k, v in got} == sent


@pytest.mark.kafka
def test_bytes_records_arrive_unchanged(kafka_bootstrap, kafka_names):
    topic = kafka_names.topic()
    one_topic(kafka_bootstrap, topic)
    sent = [(f"k{i}".encode(), bytes(range(256)) * (i + 1)) for i in range(20)]
    sent.append((b"big", os.urandom(900_000)))
    produce(kafka_bootstrap, topic, sent)
    got = consume(kafka_bootstrap, topic, kafka_names.group(), len(sent))
    assert got == sent  # one partition: order kept too


@pytest.mark.kafka
def test_create_topics_sets_configs_and_is_idempotent(kafka_bootstrap, kafka_names):
    names = TopicNames.build(prefix=kafka_names.prefix)
    specs = contract_topics(["eu", "us"], names=names, partitions=2)
    created = create_topics(kafka_bootstrap, specs)
    assert created == [s.name for s in specs]
    assert create_topics(kafka_bootstrap, specs) == []

    admin = AdminClient({"bootstrap.servers": kafka_bootstrap})
    meta = admin.list_topics(timeout=10)
    for spec in specs:
        assert len(meta.topics[spec.name].partitions) == 2
    resources = [ConfigResource(ResourceType.TOPIC, s.name) for s in specs]
    configs = {r.name: f.result(timeout=10) for r, f in admin.describe_configs(resources).items()}
    expected_days = {names.raw: 1, names.governed_for("eu"): 7, names.governed_for("us"): 7,
                     names.alerts: 30, names.dlq: 14, names.vault: 7}
    for name, days in expected_days.items():
        assert configs[name]["retention.ms"].value == str(days * DAY_MS), name
        assert configs[name]["compression.type"].value == "zstd", name
    assert configs[names.raw]["max.message.bytes"].value == str(8 * 1024 * 1024)
    keys = configs[names.subject_keys]
    assert keys["cleanup.policy"].value == "compact"
    assert keys["max.compaction.lag.ms"].value == keys["segment.ms"].value == str(DAY_MS // 2)
    assert keys["delete.retention.ms"].value == str(DAY_MS)
    assert keys["min.cleanable.dirty.ratio"].value == "0.1"


FAUST_APP = textwrap.dedent("""
    import os
    import faust

    app = faust.App(
        os.environ["APP_ID"], broker="kafka://" + os.environ["BOOTSTRAP"], store="memory://",
        datadir=os.environ["DATADIR"], web_enabled=False, web_host="127.0.0.1",
        topic_partitions=1, topic_replication_factor=1, consumer_auto_offset_reset="earliest",
        broker_session_timeout=10, broker_heartbeat_interval=1, producer_acks=-1,
    )
    source = app.topic(os.environ["IN_TOPIC"], key_serializer="raw", value_serializer="json")
    sink = app.topic(os.environ["OUT_TOPIC"], key_serializer="raw", value_serializer="json")

    @app.agent(source)
    async def double(stream):
        async for key, value in stream.items():
            await sink.send(key=key, value={"n": value["n"], "doubled": value["n"] * 2})

    if __name__ == "__main__":
        app.main()
""")


@pytest.mark.kafka
def test_faust_agent_reads_one_topic_and_writes_another(kafka_bootstrap, kafka_names, tmp_path):
    src, dst = kafka_names.topic("in"), kafka_names.topic("out")
    create_topics(kafka_bootstrap, [TopicSpec(src, 1), TopicSpec(dst, 1)])
    n = 40
    produce(kafka_bootstrap, src, [(f"s{i}".encode(), json.dumps({"n": i}).encode())
                                   for i in range(n)])
    app = tmp_path / "faust_app.py"
    app.write_text(FAUST_APP)
    env = {**os.environ, "APP_ID": kafka_names.group("faust"), "BOOTSTRAP": kafka_bootstrap,
           "DATADIR": str(tmp_path / "faust-data"), "IN_TOPIC": src, "OUT_TOPIC": dst}
    log_path = tmp_path / "faust.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen([sys.executable, str(app), "worker", "-l", "warn"],
                                  cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        got = consume(kafka_bootstrap, dst, kafka_names.group("check"), n, timeout=60,
                      keep_going=lambda: worker.poll() is None)
        assert worker.poll() is None, log_path.read_text()
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
            pytest.fail("the faust worker did not stop within 30s of SIGTERM")
    assert worker.returncode == 0, log_path.read_text()[-3000:]
    assert len(got) == n, log_path.read_text()[-3000:]
    assert {k.decode(): json.loads(v) for k, v in got} == {
        f"s{i}": {"n": i, "doubled": 2 * i} for i in range(n)}


# --- the command line ----------------------------------------------------------------------


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def cache(tmp_path):
    """An empty mcpgov cache, reusing the real jars (no second download)."""
    lib = jars_dir()
    fetch()
    target = tmp_path / "cache" / "kafka" / lib.parent.name
    target.mkdir(parents=True)
    (target / "lib").symlink_to(lib)
    return {"MCPGOV_CACHE_DIR": str(tmp_path / "cache")}


def test_status_and_stop_when_nothing_runs(tmp_path):
    env = {"MCPGOV_CACHE_DIR": str(tmp_path)}
    status = run("kafka", "status", env=env)
    assert (status.exit_code, status.stdout) == (1, "not running\n")
    stop = run("kafka", "stop", env=env)
    assert (stop.exit_code, stop.stdout) == (0, "not running\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--broker", "127.0.0.1:9", "--regions", "EU"],
         "Error: invalid region 'EU': use short lower-case codes such as eu, us, uk, apac"),
        (["--broker", "http://127.0.0.1:9"],
         "Error: unsupported broker URL scheme 'http' in 'http://127.0.0.1:9'"),
        (["--broker", "127.0.0.1:9", "--name", "raw"],
         "Error: invalid --name 'raw': use KEY=TOPIC, e.g. raw=acme.raw"),
        (["--broker", "127.0.0.1:9", "--name", "audit=x"],
         "Error: unknown topic key 'audit': use raw, governed, alerts, dlq, vault or subject_keys"),
    ],
)
def test_topics_create_usage_errors(args, message):
    result = run("topics", "create", *args)
    assert (result.exit_code, result.stderr) == (2, message + "\n")
    assert result.stdout == ""


def test_topics_need_a_broker():
    result = run("topics", "create", env={"KAFKA_BOOTSTRAP_SERVERS": None})
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Missing option '--broker'."


def test_topics_list_unreachable_broker():
    port = procs.free_ports(1)[0]
    result = run("topics", "list", "--broker", f"127.0.0.1:{port}", "--timeout", "1")
    assert (result.exit_code, result.stderr) == (
        2, f"Error: no answer from the broker at 127.0.0.1:{port} within 1s\n")


@pytest.mark.parametrize("command", [["kafka", "fetch"], ["kafka", "start"], ["kafka", "stop"],
                                     ["kafka", "status"], ["topics", "create"], ["topics", "list"],
                                     ["kafka"], ["topics"]])
def test_every_command_help_has_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout


@pytest.mark.kafka
def test_topics_create_and_list_commands(kafka_bootstrap, kafka_names):
    args = ["--broker", f"kafka://{kafka_bootstrap}", "--regions", "eu,uk",
            "--partitions", "1", "--prefix", kafka_names.prefix]
    names = [kafka_names.prefix + n for n in ("mcp.events.raw", "mcp.events.governed.eu",
                                              "mcp.events.governed.uk", "mcp.alerts",
                                              "mcp.events.dlq", "mcp.vault",
                                              "mcp.subject-keys")]
    first = run("topics", "create", *args)
    assert (first.exit_code, first.stdout) == (0, "".join(f"created {n}\n" for n in names))
    again = run("topics", "create", *args)
    assert (again.exit_code, again.stdout) == (0, "".join(f"exists  {n}\n" for n in names))
    listed = run("topics", "list", "--broker", kafka_bootstrap)
    assert listed.exit_code == 0
    assert {f"{n}\t1" for n in names} <= set(listed.stdout.splitlines())


@pytest.mark.kafka
def test_kafka_start_status_stop(cache):
    started = run("kafka", "start", "--heap", "512m", env=cache)
    assert started.exit_code == 0, started.output
    bootstrap = started.stdout.strip()
    state = json.loads((Path(cache["MCPGOV_CACHE_DIR"]) / "kafka" / "local-broker.json")
                       .read_text())
    try:
        assert bootstrap == f"127.0.0.1:{state['port']}"
        assert procs.is_broker(state["pid"])
        status = run("kafka", "status", env=cache)
        assert (status.exit_code, status.stdout) == (
            0, f"running at {bootstrap} (pid {state['pid']}, Kafka 4.1.1)\n")
        again = run("kafka", "start", env=cache)
        assert (again.exit_code, again.stdout) == (0, bootstrap + "\n")
    finally:
        stopped = run("kafka", "stop", env=cache)
    assert (stopped.exit_code, stopped.stdout) == (0, f"stopped pid {state['pid']}\n")
    assert not procs.pid_alive(state["pid"])
    assert not Path(state["data_dir"]).exists()
    assert run("kafka", "status", env=cache).exit_code == 1


# --- typed errors of the local broker -------------------------------------------------------


def test_fetch_without_maven(tmp_path, monkeypatch):
    monkeypatch.setenv("MCPGOV_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ToolNotFound, match="^mvn not found: install Apache Maven"):
        fetch()


def test_fetch_with_a_broken_pom_shows_maven_output(tmp_path, monkeypatch):
    monkeypatch.setenv("MCPGOV_CACHE_DIR", str(tmp_path))
    pom = tmp_path / "pom.xml"
    pom.write_text("<project>not a pom")
    with pytest.raises(MavenFailed) as err:
        fetch(pom=pom)
    assert err.value.returncode != 0
    assert "pom.xml" in err.value.tail
    assert not jars_dir().exists()
    assert [p.name for p in jars_dir().parent.iterdir()] == [".fetch.lock"]


def test_broker_that_cannot_start_says_why():
    fetch()
    broker = LocalKafka(heap="not-a-size", start_timeout=30)
    with pytest.raises(BrokerNotReady) as err:
        broker.start()
    assert "the broker exited with code" in err.value.reason
    assert "Invalid maximum heap size" in err.value.log_tail
    assert broker.pid is None
    if broker.data_dir is not None:
        procs.remove_tree(broker.data_dir)
