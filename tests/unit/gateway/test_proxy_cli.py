"""`mcpgov proxy` and `mcpgov publish` as a user runs them: byte-for-byte relay, exit codes,
settings precedence, a dead broker that never disturbs the client, help with examples."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.envelope import parse_envelope
from streams.gateway.spool import Spool

ROOT = Path(__file__).resolve().parents[3]
# A stand-in stdio server: answers each request line with a result line written in its own
# odd formatting (spaces, escapes, CRLF), so a proxy that re-serialized would be caught.
LINE_SERVER = textwrap.dedent("""
    import json, sys
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("method") == "exit":
            sys.exit(int(msg["params"]["code"]))
        if "id" in msg:
            body = '{ "jsonrpc" : "2.0", "id" : %s, "result" : {"echo": %s, "t": "caf\\\\u00e9 \u2713"} }'
            sys.stdout.write(body % (json.dumps(msg["id"]), json.dumps(msg.get("params"))) + "\\r\\n")
            sys.stdout.flush()
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_proxy(args: list[str], stdin: bytes, *, env: dict[str, str] | None = None,
              server: str = LINE_SERVER, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    cmd = [sys.executable, "-m", "streams.cli", "proxy", *args, "--",
           sys.executable, "-c", server]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MCPGOV_")}
    full_env.update(env or {})
    return subprocess.run(cmd, input=stdin, capture_output=True, cwd=ROOT, env=full_env,
                          timeout=timeout, check=False)


def lines(*msgs: Any) -> bytes:
    return b"".join((m if isinstance(m, bytes) else json.dumps(m).encode()) + b"\n"
                    for m in msgs)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_relays_byte_for_byte_and_publishes_every_message(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    sent = lines(b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup",'
                 b'"arguments":{"patient_id":"p-7","note":"\\u00e9t\xc3\xa9"}}}',
                 {"jsonrpc": "2.0", "method": "notifications/initialized"},
                 b'  {"jsonrpc": "2.0",   "id": "x", "method": "ping"}  ')
    done = run_proxy(["--out", str(out), "--tenant", "acme-health", "--subject-from",
                      "patient_id", "--subject-region", "eu"], sent)
    assert done.returncode == 0, done.stderr.decode()
    expected = (b'{ "jsonrpc" : "2.0", "id" : 1, "result" : {"echo": {"name": "lookup", '
                b'"arguments": {"patient_id": "p-7", "note": "\\u00e9t\\u00e9"}}, '
                b'"t": "caf\\u00e9 \xe2\x9c\x93"} }\r\n'
                b'{ "jsonrpc" : "2.0", "id" : "x", "result" : {"echo": null, '
                b'"t": "caf\\u00e9 \xe2\x9c\x93"} }\r\n')
    assert done.stdout == expected, "the client must get the server's bytes, unchanged"
    events = [parse_envelope(e) for e in read_jsonl(out)]
    seen = [(e["direction"], e["method"], e["tool"]) for e in events]
    assert sorted(seen, key=str) == sorted([
        ("request", "tools/call", "lookup"), ("response", "tools/call", "lookup"),
        ("notification", "notifications/initialized", None),
        ("request", "ping", None), ("response", "ping", None)], key=str)
    for i, (direction, method, _) in enumerate(seen):  # each answer after its question
        if direction == "response":
            assert ("request", method) in [(d, m) for d, m, _ in seen[:i]]
            assert events[i]["latency_ms"] is not None and events[i]["latency_ms"] >= 0
    assert all(e["tenant"] == "acme-health" for e in events)
    lookups = [e for e in events if e["tool"] == "lookup"]
    assert [e["data_subject"] for e in lookups] == [{"id": "p-7", "region": "eu"}] * 2
    assert len({e["session_id"] for e in events}) == 1


@pytest.mark.parametrize("code", [0, 3, 42])
def test_exits_with_the_servers_code(tmp_path: Path, code: int) -> None:
    done = run_proxy(["--out", str(tmp_path / "e.jsonl")],
                     lines({"jsonrpc": "2.0", "method": "exit", "params": {"code": code}}))
    assert done.returncode == code, done.stderr.decode()


def test_killed_server_gives_128_plus_signal(tmp_path: Path) -> None:
    server = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    done = run_proxy(["--out", str(tmp_path / "e.jsonl")], b"", server=server)
    assert done.returncode == 128 + 9


def test_flags_beat_env_beat_config_file(tmp_path: Path) -> None:
    config = tmp_path / "proxy.yaml"
    config.write_text(textwrap.dedent("""
        tenant: from-file
        purpose: treatment
        gateway: {id: gw-file, region: uk}
        identity: {user: file-user, scopes: [ehr.read, ehr.write]}
        server: {name: ehr-file, region: eu}
        data_subject: {id: subject-from-file}
    """))
    out = tmp_path / "e.jsonl"
    done = run_proxy(["--config", str(config), "--out", str(out), "--user", "flag-user"],
                     lines({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
                     env={"MCPGOV_TENANT": "from-env", "MCPGOV_USER": "env-user"})
    assert done.returncode == 0, done.stderr.decode()
    env = parse_envelope(read_jsonl(out)[0])
    assert env["tenant"] == "from-env"
    assert env["identity"]["user"] == "flag-user"
    assert env["identity"]["scopes"] == ["ehr.read", "ehr.write"]
    assert env["gateway"] == {"id": "gw-file", "region": "uk"}
    assert env["server"]["name"] == "ehr-file" and env["server"]["region"] == "eu"
    assert env["data_subject"] == {"id": "subject-from-file", "region": None}
    assert env["purpose"] == "treatment"


@pytest.mark.parametrize("body,named", [
    ("tenant: [1, 2]\n", "tenant"), ("identity: {usr: x}\n", "identity.usr"),
    ("spool: {fsync: sometimes}\n", "spool.fsync"), ("- a\n- b\n", "mapping"),
    ("tenant: 'unclosed\n", "not valid YAML")])
def test_bad_config_file_is_a_usage_error_naming_the_field(tmp_path: Path, body: str,
                                                           named: str) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(body)
    result = CliRunner().invoke(main, ["proxy", "--config", str(config), "--out",
                                       str(tmp_path / "e"), "--", "true"])
    assert result.exit_code == 2
    assert str(config) in result.output and named in result.output


def test_bad_identity_and_missing_sink_are_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner(env={"KAFKA_BOOTSTRAP_SERVERS": None, "MCPGOV_BROKER": None})
    result = runner.invoke(main, ["proxy", "--", "true"])
    assert result.exit_code == 2 and "--broker" in result.output
    result = runner.invoke(main, ["proxy", "--out", str(tmp_path / "e"), "--gateway-region",
                                  "Europe", "--", "true"])
    assert result.exit_code == 2 and "gateway.region" in result.output
    result = runner.invoke(main, ["proxy", "--out", str(tmp_path / "e"), "--subject-from",
                                  "no_such_module_xyz:hook", "--", "true"])
    assert result.exit_code == 2 and "no_such_module_xyz" in result.output
    result = runner.invoke(main, ["proxy", "--out", str(tmp_path / "e"), "--",
                                  str(tmp_path / "no-such-server")])
    assert result.exit_code == 2 and "cannot start the server command" in result.output


def test_dead_broker_never_disturbs_the_client_and_events_spool(tmp_path: Path) -> None:
    """Nothing listens on the broker port: the relay is unaffected, every event is spooled."""
    spool = tmp_path / "spool"
    msgs = [{"jsonrpc": "2.0", "id": i, "method": "tools/call",
             "params": {"name": "t", "arguments": {"i": i}}} for i in range(20)]
    done = run_proxy(["--broker", f"127.0.0.1:{_free_port()}", "--spool-dir", str(spool),
                      "--delivery-timeout", "1"], lines(*msgs), timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.count(b"\r\n") == 20
    with Spool(spool) as kept:
        assert len(kept) == 40, "20 requests and 20 responses wait for Kafka on disk"
        from streams import avro
        from streams.gateway.delivery import Rec

        records = [Rec.unpack(r) for r in kept.peek(max_records=100).records]
    events = [parse_envelope(r.value) for r in records]
    requests = [e["message"]["id"] for e in events if e["direction"] == "request"]
    answers = [e["message"]["id"] for e in events if e["direction"] == "response"]
    assert requests == answers == list(range(20)), "spooled in the order they were relayed"
    position = {(e["direction"], e["message"]["id"]): n for n, e in enumerate(events)}
    assert all(position[("request", i)] < position[("response", i)] for i in range(20))
    assert all(r.key == events[0]["session_id"].encode() for r in records)
    assert avro.is_avro_frame(records[0].value)
    assert b"Traceback" not in done.stderr


def test_help_has_examples() -> None:
    runner = CliRunner()
    for command in ("proxy", "publish"):
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output and f"mcpgov {command}" in result.output


def test_publish_usage_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["publish", "--input", str(tmp_path / "missing.jsonl"),
                                       "--broker", "127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: no such input file: {tmp_path / 'missing.jsonl'}"


def test_sigterm_is_forwarded_and_nothing_is_lost(tmp_path: Path) -> None:
    """The client's shutdown sends SIGTERM: the server gets it, the events are all written."""
    import signal
    import time

    out = tmp_path / "e.jsonl"
    server = ("import signal, sys, time\n"
              "signal.signal(signal.SIGTERM, lambda *a: sys.exit(7))\n"
              "for line in sys.stdin:\n"
              "    sys.stdout.write('{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\\n')\n"
              "    sys.stdout.flush()\n")
    cmd = [sys.executable, "-m", "streams.cli", "proxy", "--out", str(out), "--",
           sys.executable, "-c", server]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(lines({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
    proc.stdin.flush()
    assert proc.stdout.readline() == b'{"jsonrpc":"2.0","id":1,"result":{}}\n'
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 7, "the server's own exit code"
    assert time.monotonic() - began < 2.0, "within the MCP client's shutdown grace period"
    assert [e["direction"] for e in read_jsonl(out)] == ["request", "response"]


def test_client_eof_shuts_down_promptly(tmp_path: Path) -> None:
    import time

    began = time.monotonic()
    done = run_proxy(["--out", str(tmp_path / "e.jsonl")], b"")
    assert done.returncode == 0 and done.stdout == b""
    assert time.monotonic() - began < 5.0


def test_non_json_server_output_is_relayed_and_published_for_the_dead_letter_queue(
        tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    server = "print('starting ehr server v2 (debug)', flush=True)"
    done = run_proxy(["--out", str(out)], b"", server=server)
    assert done.stdout == b"starting ehr server v2 (debug)\n"
    [event] = read_jsonl(out)
    assert event["message"] == "starting ehr server v2 (debug)"
    from streams.envelope import InvalidEnvelope

    with pytest.raises(InvalidEnvelope):
        parse_envelope(event)


def test_lone_surrogate_is_relayed_and_still_published(tmp_path: Path) -> None:
    """A \\ud800 escape decodes to a lone surrogate, which Avro and UTF-8 refuse: the line is
    relayed unchanged and the event still published (for the governor to dead-letter)."""
    out = tmp_path / "e.jsonl"
    line = '{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"\\ud800"}}'
    done = run_proxy(["--out", str(out)], b"", server=f"print({line!r}, flush=True)")
    assert done.stdout == line.encode() + b"\n"
    [event] = read_jsonl(out)
    from streams.envelope import InvalidEnvelope

    with pytest.raises(InvalidEnvelope) as info:
        parse_envelope(event)
    assert info.value.code == "not_utf8"


@pytest.mark.parametrize("command,name", [
    (("python", "-m", "ehr_server"), "ehr_server"), (("npx", "-y", "@acme/fhir-mcp"), "fhir-mcp"),
    (("python3", "-c", "print(1)\nx"), "python3"), (("/usr/bin/python3.11", "/srv/ehr.py"), "ehr"),
    (("uvx", "mcp-server-fetch"), "mcp-server-fetch"), (("./my server",), "my-server"),
    (("/opt/bin/ehr-mcp", "--port", "1"), "ehr-mcp")])
def test_server_name_defaults_from_the_command(command: tuple[str, ...], name: str) -> None:
    from streams.gateway.command import _guess_server_name

    assert _guess_server_name(command) == name
