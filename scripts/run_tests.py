"""`make test`: lint, the SQLite smoke run, then the whole suite on PostgreSQL (or SQLite without it, outside CI).

The whole suite runs in parallel with pytest-xdist, one worker per core unless NALW_TEST_WORKERS says
otherwise (0 runs it in one process); each worker has a PostgreSQL database of its own (tests/conftest.py).

Under CI=true PostgreSQL must answer: tests/conftest.py stops the run loudly if it does not.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest"]


def run(title, args, env_extra):
    print(f"\n=== {title} ===", flush=True)
    return subprocess.run([*PYTEST, *args], cwd=ROOT, env={**os.environ, **env_extra}).returncode


def lint():
    """`make lint`'s checks: ruff's rules (unused code included) and its formatting."""
    print("\n=== Lint (ruff) ===", flush=True)
    ruff = [sys.executable, "-m", "ruff"]
    checked = subprocess.run([*ruff, "check", "."], cwd=ROOT).returncode
    formatted = subprocess.run([*ruff, "format", "--check", "."], cwd=ROOT).returncode
    return checked or formatted


def main():
    extra_args = sys.argv[1:]
    linted = lint()
    smoke = run(
        "Smoke tests on SQLite (what `make run` depends on)",
        ["-q", "-m", "smoke", *extra_args],
        {"NALW_TEST_DATABASE": "sqlite"},
    )
    # The whole suite runs last, so its summary is the run's closing line.
    workers = os.environ.get("NALW_TEST_WORKERS", "auto")
    parallel = ["-n", workers] if workers != "0" else []
    full = run("Whole suite (PostgreSQL when it answers)", ["-q", "--durations=5", *parallel, *extra_args], {})
    if smoke:
        print(f"The SQLite smoke run FAILED (exit {smoke}); see above.", flush=True)
    if linted:
        print("Lint FAILED: see the ruff output at the top (`make format` fixes most of it).", flush=True)
    sys.exit(full or smoke or linted)


if __name__ == "__main__":
    main()
