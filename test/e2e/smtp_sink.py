"""A real SMTP server for the notification tests (Debian's python3-aiosmtpd).

Requires STARTTLS and then authentication with the given user and password, and writes each
accepted message to DIR/<n>.json: the envelope, whether TLS was on, who logged in, and the data.

usage: smtp_sink.py --dir DIR --port-file FILE --cert PEM --key PEM --user U --password P
"""
import argparse
import json
import os
import socket
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        record = {
            "mailFrom": envelope.mail_from,
            "rcptTos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
            "login": session.auth_data if isinstance(session.auth_data, str) else None,
            "data": envelope.content.decode("utf-8", "replace"),
        }
        path = os.path.join(self.directory, "%03d.json" % self.count)
        with open(path + ".tmp", "w") as out:
            json.dump(record, out)
        os.rename(path + ".tmp", path)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    for name in ("--dir", "--port-file", "--cert", "--key", "--user", "--password"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == args.user.encode()
              and auth_data.password == args.password.encode())
        return AuthResult(success=ok, auth_data=args.user if ok else None)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(args.dir), hostname="127.0.0.1", port=port,
                            tls_context=context, require_starttls=True,
                            auth_require_tls=True, authenticator=authenticate)
    controller.start()
    with open(args.port_file + ".tmp", "w") as out:
        out.write(str(port))
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        while True:
            time.sleep(1)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
