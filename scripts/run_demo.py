"""`make run`: migrate and seed the local database, then run the app with its helpers.

Starts, on loopback only:
- localstripe, a local Stripe-compatible server (data kept in instance/localstripe.pickle),
  with the app's webhook registered on it,
- a mail catcher (aiosmtpd) that keeps every message in instance/maildir,
- the outbox worker, delivering waiting email to it every few seconds,
- the web app at http://127.0.0.1:5000 (no debugger), or on the port NALW_PORT names; links in
  emails and certificates follow that port (NALW_SITE_URL), unless NALW_SITE_URL is set.
Ctrl-C stops them all.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
INSTANCE = ROOT / "instance"
APP_PORT = int(os.environ.get("NALW_PORT", "5000"))
MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
STRIPE_PORT = int(os.environ.get("NALW_LOCALSTRIPE_PORT", "8420"))
WEBHOOK_SECRET = "whsec_localstripe_development"


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


def demo_environment(environ):
    """The settings every helper of `make run` gets: local Stripe and mail, and links at the app's real port."""
    app_port = int(environ.get("NALW_PORT", "5000"))
    stripe_base = f"http://127.0.0.1:{int(environ.get('NALW_LOCALSTRIPE_PORT', '8420'))}"
    env = {
        **environ,
        "NALW_DEMO_MODE": "1",
        "NALW_PORT": str(app_port),
        "NALW_SITE_URL": environ.get("NALW_SITE_URL") or f"http://127.0.0.1:{app_port}",
        "MAIL_PORT": str(int(environ.get("MAIL_PORT", "8025"))),
        "FLASK_APP": "wsgi",
        "STRIPE_API_BASE": stripe_base,
        "STRIPE_JS_URL": f"{stripe_base}/js.stripe.com/v3/",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    env.pop("NALW_ENV", None)
    return env


def main():
    os.chdir(ROOT)
    stripe_base = f"http://127.0.0.1:{STRIPE_PORT}"
    env = demo_environment(dict(os.environ))
    INSTANCE.mkdir(exist_ok=True)
    for port, what in ((APP_PORT, "the app"), (MAIL_PORT, "the mail catcher"), (STRIPE_PORT, "localstripe")):
        if not port_is_free(port):
            sys.exit(
                f"Port {port} (for {what}) is in use. Stop whatever uses it, or set NALW_PORT, MAIL_PORT or NALW_LOCALSTRIPE_PORT."
            )

    children = []
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        start(children, env, stripe_base)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("A helper process stopped; shutting down.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    except subprocess.CalledProcessError as error:
        print(f"Setting up failed: {' '.join(error.cmd[3:])} exited with {error.returncode}.", file=sys.stderr)
        sys.exit(1)
    finally:
        stop(children)


def start(children, env, stripe_base):
    """Start each helper in turn; `main` stops whatever started if a later step fails."""
    localstripe = [str(BIN / "python"), str(ROOT / "scripts" / "localstripe_server.py")]
    children.append(
        subprocess.Popen(
            [*localstripe, "--port", str(STRIPE_PORT), "--store", str(INSTANCE / "localstripe.pickle")], env=env
        )
    )
    if not wait_for_port(STRIPE_PORT):
        sys.exit("localstripe did not start.")
    register_webhook(stripe_base)

    print("Preparing the database ...", flush=True)
    for step in (("db", "upgrade"), ("setup", "defaults"), ("demo", "seed")):
        subprocess.run(flask(*step), env=env, check=True)

    mail_catcher = [str(BIN / "python"), "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{MAIL_PORT}"]
    children.append(
        subprocess.Popen([*mail_catcher, "-c", "aiosmtpd.handlers.Mailbox", str(INSTANCE / "maildir")], env=env)
    )
    if not wait_for_port(MAIL_PORT):
        sys.exit("The mail catcher did not start.")
    children.append(subprocess.Popen(flask("outbox", "deliver", "--loop", "--interval", "2"), env=env))
    web = ("run", "--host", "127.0.0.1", "--port", str(APP_PORT), "--no-debugger", "--no-reload", "--with-threads")
    children.append(subprocess.Popen(flask(*web), env=env))
    print(
        f"\nThe NALW platform is at {env['NALW_SITE_URL']}\n"
        "Demo sign-ins are listed in README.md. Test card: 4242424242424242 (no spaces), any future date, any CVC.\n"
        f"Emails, links and all, appear at http://127.0.0.1:{APP_PORT}/demo/mail/. Press Ctrl-C to stop.\n",
        flush=True,
    )


def register_webhook(stripe_base):
    """localstripe sends payment events to the app, signed with the development secret."""
    data = urllib.parse.urlencode(
        {"url": f"http://127.0.0.1:{APP_PORT}/stripe/webhook", "secret": WEBHOOK_SECRET}
    ).encode()
    request = urllib.request.Request(f"{stripe_base}/_config/webhooks/nalw", data=data, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


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
