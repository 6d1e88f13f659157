"""The path `make run` takes, as commands on a fresh SQLite file: migrate, seed twice, sign in."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nalw import create_app
from nalw.demo import DEMO_PASSWORD
from tests.conftest import test_settings
from tests.helpers import page_text

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]


def flask_command(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "NALW_SECRET_KEY": "smoke-test-key", "FLASK_APP": "wsgi"}
    env.pop("NALW_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fresh_sqlite_database_migrates_seeds_twice_and_admits_demo_staff(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"

    migrated = flask_command(database_url, "db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr
    defaults = flask_command(database_url, "setup", "defaults")
    assert defaults.returncode == 0, defaults.stderr
    first = flask_command(database_url, "demo", "seed")
    second = flask_command(database_url, "demo", "seed")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "7 people added" in first.stdout
    assert "0 people added, 7 already there" in second.stdout

    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=database_url))
    client = app.test_client()
    response = client.post(
        "/account/sign-in", data={"email": "staff@demo.nalw.org.uk", "password": DEMO_PASSWORD}, follow_redirects=True
    )
    assert "Enter your sign-in code" in page_text(response)
    response = client.post("/account/sign-in/two-factor", data={"code": "demo-code-0001"}, follow_redirects=True)
    assert "Signed in as Sam Staff" in page_text(response)
    assert client.get("/admin/").status_code == 200
    # SQLite has no change counter's triggers: the compliance list counts its total every time.
    assert "below the requirement" in page_text(client.get("/admin/cpd/compliance"))
