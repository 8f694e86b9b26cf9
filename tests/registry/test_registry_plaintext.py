"""No secret reaches the database: plant keys through every way in, then grep the bytes.

SQLite: the database file and its WAL and shared-memory files. PostgreSQL: a `pg_dump` of the
test database. Neither the whole value nor its middle (everything but the hint) may appear.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.engine import make_url

from leakward.cli.registry import registry as registry_group
from leakward.registry import Registry
from leakward.response.registry_match import record_leaks
from leakward.scanner.models import Finding, Origin, Secret

PLANTED = {
    "stdin": "sk-proj-PlantedViaStdin7Qm2Vx9Lp4Rt8Zk1Nb5Hc3",
    "env": "sk-ant-api03-PlantedViaEnv6Wd2Fg8Jk4Lm0Qs7Tu",
    "csv": "ghp_PlantedViaCsv5Yx1Cv7Bn3Mq9Wr2Et6Ui0",
    "json": "glpat-PlantedViaJson4Az8Sx2Dc6Fv0Gb3",
    "scan": "xoxb-PlantedViaScan3Hn7Jm1Kl5Po9Iu2Yt",
    "scan-unmatched": "AIzaPlantedUnmatched8Rf4Tg6Yh2Uj0Ik9Ol",
}


def _plant(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> None:
        result = runner.invoke(registry_group, ["--db", db_url, *args], input=stdin, env=env)
        assert result.exit_code == 0, (result.output, result.exception)
        for secret in PLANTED.values():
            assert secret not in result.output

    run("add", "--provider=openai", "--owner=a@example.com", stdin=PLANTED["stdin"])
    env = {"KEY_FROM_ENV": PLANTED["env"]}
    run(
        "add", "--provider=anthropic", "--owner=a@example.com", "--secret-env=KEY_FROM_ENV", env=env
    )
    inventory_csv = tmp_path / "keys.csv"
    inventory_csv.write_text(f"provider,owner,secret\ngithub,b@example.com,{PLANTED['csv']}\n")
    inventory_json = tmp_path / "keys.json"
    inventory_json.write_text(
        json.dumps([{"provider": "gitlab", "owner": "c@example.com", "secret": PLANTED["json"]}])
    )
    run("import", str(inventory_csv))
    run("import", str(inventory_json))
    run("add", "--provider=slack", "--owner=d@example.com", stdin=PLANTED["scan"])
    with Registry.open(db_url) as opened:
        findings = [
            Finding(
                rule_id=f"{name}.rule",
                rule_name=name,
                provider="slack" if name == "scan" else "google",
                severity="high",
                confidence="high",
                secret=Secret(PLANTED[name]),
                origin=Origin(kind="file", path="leak.txt"),
                line=1,
                column=1,
                end_line=1,
                end_column=40,
            )
            for name in ("scan", "scan-unmatched")
        ]
        recorded = record_leaks(
            opened, findings, source_kind="file", is_public=False, repository=None
        )
        assert recorded == 2
        assert len(opened.list_keys()) == 5


def _assert_absent(data: bytes, where: str) -> None:
    for name, secret in PLANTED.items():
        middle = secret[6:-4]  # neither the type prefix nor the last four: the hint's parts
        for form in (secret, middle):
            assert form.encode() not in data, f"{name} secret found in {where}"


def test_sqlite_file_holds_no_secret(tmp_path: Path) -> None:
    db_file = tmp_path / "registry.db"
    _plant(f"sqlite:///{db_file}", tmp_path)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("registry.db")]
    assert db_file in files
    data = b"".join(path.read_bytes() for path in files)
    assert b"sk-proj-" in data  # the hint is there, so the grep reads the right bytes
    _assert_absent(data, "the SQLite files")


def test_postgres_dump_holds_no_secret(postgres_url: str, pg_dump: str, tmp_path: Path) -> None:
    _plant(postgres_url, tmp_path)
    url = make_url(postgres_url).set(drivername="postgresql")
    dump = subprocess.run(
        [pg_dump, "--no-owner", url.render_as_string(hide_password=False)],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    assert b"COPY public.issued_keys" in dump
    assert b"sk-proj-" in dump
    _assert_absent(dump, "the pg_dump of the test database")
