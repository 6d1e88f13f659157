"""Run localstripe (a local Stripe-compatible server) on loopback, keeping its data where we say.

localstripe saves its store to /tmp/localstripe.pickle on every change; that file would be
shared by every copy running on the machine (the demo, the tests). Here the demo keeps it
in instance/ and the tests keep nothing.

    python scripts/localstripe_server.py --port 8420 --store instance/localstripe.pickle
    python scripts/localstripe_server.py --port 0 --store none      # tests
"""

import argparse
import pickle
import socket

from aiohttp import web
from localstripe import resources, server


def use_store_file(path):
    store = resources.Store

    def load(self):
        try:
            with open(path, "rb") as file:
                saved = pickle.load(file)
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            return
        self.clear()
        self.update(saved)

    def save(self):
        with open(path, "wb") as file:
            pickle.dump(dict(self), file, protocol=pickle.HIGHEST_PROTOCOL)

    store.try_load_from_disk = load
    store.dump_to_disk = save


def keep_nothing():
    resources.Store.dump_to_disk = lambda _store: None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--store", default="none", help="a file to keep data in, or 'none'")
    args = parser.parse_args()
    if args.store == "none":
        keep_nothing()
    else:
        use_store_file(args.store)
        resources.store.try_load_from_disk()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    # Listening before saying so: whoever reads the line may connect at once, before the app starts serving.
    sock.listen(128)
    print(f"localstripe listening on 127.0.0.1:{sock.getsockname()[1]}", flush=True)
    web.run_app(server.app, sock=sock, access_log=None, print=None)


if __name__ == "__main__":
    main()
