"""`make run`: migrate and seed the local database, then run the app with its helpers.

Starts, on loopback only:
- a mail catcher (aiosmtpd) that keeps every message in instance/maildir,
- the outbox worker, delivering waiting email to it every few seconds,
- the web app at http://127.0.0.1:5000 (no debugger).
Ctrl-C stops them all.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
INSTANCE = ROOT / "instance"
APP_PORT = int(os.environ.get("NALW_PORT", "5000"))
MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))


def flask(*args):
    return [str(BIN / "flask"), "--app", "wsgi", *args]


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_for_port(port, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not port_is_free(port):
            return True
        time.sleep(0.2)
    return False


def main():
    os.chdir(ROOT)
    env = {**os.environ, "NALW_DEMO_MODE": "1", "MAIL_PORT": str(MAIL_PORT), "FLASK_APP": "wsgi"}
    env.pop("NALW_ENV", None)
    INSTANCE.mkdir(exist_ok=True)
    for port, what in ((APP_PORT, "the app"), (MAIL_PORT, "the mail catcher")):
        if not port_is_free(port):
            sys.exit(f"Port {port} (for {what}) is in use. Stop whatever uses it, or set NALW_PORT / MAIL_PORT.")

    print("Preparing the database ...", flush=True)
    subprocess.run(flask("db", "upgrade"), env=env, check=True)
    subprocess.run(flask("demo", "seed"), env=env, check=True)

    maildir = INSTANCE / "maildir"
    children = [
        subprocess.Popen(
            [
                str(BIN / "python"),
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{MAIL_PORT}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(maildir),
            ],
            env=env,
        )
    ]
    if not wait_for_port(MAIL_PORT):
        stop(children)
        sys.exit("The mail catcher did not start.")
    children.append(subprocess.Popen(flask("outbox", "deliver", "--loop", "--interval", "2"), env=env))
    children.append(
        subprocess.Popen(
            flask(
                "run", "--host", "127.0.0.1", "--port", str(APP_PORT), "--no-debugger", "--no-reload", "--with-threads"
            ),
            env=env,
        )
    )
    print(
        f"\nThe NALW platform is at http://127.0.0.1:{APP_PORT}\n"
        "Demo sign-ins are listed in README.md. Emails appear under Staff > Emails.\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("A helper process stopped; shutting down.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stop(children)


def stop(children):
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    main()
