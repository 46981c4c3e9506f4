"""`mcpgov query`: views over the lake, exact output in each format, errors exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import main

BY_TENANT = ("SELECT tenant, region, count(*) AS n, min(time) AS first FROM events "
             "GROUP BY ALL ORDER BY tenant, region")


def query(lake: Path, sql: str, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["query", "--lake", str(lake), *extra, sql])
    return result.exit_code, result.stdout, result.stderr


def test_an_aligned_table_by_default(lake: Path) -> None:
    assert query(lake, BY_TENANT) == (0, (
        "tenant       region   n  first\n"
        "-----------  ------  --  -------------------------\n"
        "acme-health  eu      15  2026-11-22T06:30:00+00:00\n"
        "acme-health  us       3  2026-11-22T06:30:30+00:00\n"
        "globex       eu       4  2026-11-22T06:30:10+00:00\n"), "")


def test_csv(lake: Path) -> None:
    assert query(lake, BY_TENANT, "--format", "csv")[1] == (
        "tenant,region,n,first\n"
        "acme-health,eu,15,2026-11-22T06:30:00+00:00\n"
        "acme-health,us,3,2026-11-22T06:30:30+00:00\n"
        "globex,eu,4,2026-11-22T06:30:10+00:00\n")


def test_json_lines(lake: Path) -> None:
    assert query(lake, BY_TENANT + " LIMIT 1", "--format", "json")[1] == (
        '{"tenant": "acme-health", "region": "eu", "n": 15, '
        '"first": "2026-11-22T06:30:00+00:00"}\n')


def test_lists_structs_nulls_and_partition_dates(lake: Path) -> None:
    sql = ("SELECT alert_id[-4:] AS id, date, event_ids, runbook, "
           "{'n': 1, 'ok': true} AS s FROM alerts ORDER BY id")
    assert query(lake, sql)[1] == (
        "id    date        event_ids                                 runbook  s\n"
        "----  ----------  ----------------------------------------  -------  -----------------\n"
        '0001  2026-11-22  ["00000000-0000-4000-8000-000000000001"]  NULL     {"n":1,"ok":true}\n'
        '0002  2026-11-22  ["00000000-0000-4000-8000-000000000002"]  NULL     {"n":1,"ok":true}\n')
    assert query(lake, sql + " LIMIT 1", "--format", "json")[1] == (
        '{"id": "0001", "date": "2026-11-22", "event_ids": '
        '["00000000-0000-4000-8000-000000000001"], "runbook": null, "s": {"n": 1, "ok": true}}\n')


def test_findings_are_queryable_as_structs(lake: Path) -> None:
    sql = ("SELECT f.entity_type, f.action, count(*) AS n FROM events, "
           "unnest(findings) AS u(f) GROUP BY ALL")
    assert query(lake, sql, "--format", "csv")[1] == (
        "entity_type,action,n\nMEDICAL_RECORD_NUMBER,tokenized,22\n")


def test_an_empty_lake_answers_with_zero_rows(tmp_path: Path) -> None:
    assert query(tmp_path, "SELECT count(*) AS n FROM events") == (0, "n\n-\n0\n", "")
    assert query(tmp_path, "SELECT e.tenant, e.date, a.alert_id FROM events e, alerts a") == (
        0, "tenant  date  alert_id\n------  ----  --------\n", "")
    assert query(tmp_path, "SELECT * FROM alerts", "--format", "json") == (0, "", "")


@pytest.mark.parametrize("sql, message", [
    ("selec 1", 'Parser Error: syntax error at or near "selec"'),
    ("SELECT nope FROM events",
     'Binder Error: Referenced column "nope" not found in FROM clause!'),
    ("SELECT * FROM evnts", "Catalog Error: Table with name evnts does not exist!"),
])
def test_sql_errors_exit_2_with_duckdbs_line(lake: Path, sql: str, message: str) -> None:
    assert query(lake, sql) == (2, "", f"Error: {message}\n")


def test_a_missing_lake_exits_2(tmp_path: Path) -> None:
    assert query(tmp_path / "nope", "SELECT 1") == (2, "", f"Error: no lake folder at "
                                                           f"{tmp_path / 'nope'}\n")


def test_replayed_records_show_once_in_views_and_all_in_raw_views(tmp_path: Path, signer,
                                                                  lake: Path) -> None:
    # An at-least-once replay lands the same events again under another file name.
    import pyarrow.parquet as pq

    from streams.lake import Lake

    first = next(lake.glob("events/region=eu/tenant=acme-health/date=*/batch-1.parquet"))
    rows = pq.read_table(first).to_pylist()
    again = Lake(lake, signer)
    again.land_rows(first.parent.relative_to(lake).as_posix(), "replay-1", rows,
                    pq.read_schema(first).remove_metadata())
    code, out, _ = query(lake, "SELECT (SELECT count(*) FROM events), "
                               "(SELECT count(*) FROM events_raw), "
                               "(SELECT count(DISTINCT event_id) FROM events_raw)", "--format", "csv")
    assert code == 0
    n_events, n_raw, n_distinct = (int(x) for x in out.splitlines()[1].split(","))
    assert n_events == n_distinct == 22 and n_raw == 22 + len(rows)
