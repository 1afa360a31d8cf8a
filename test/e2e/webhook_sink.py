"""A webhook receiver for the notification tests: answers the first --fail-first POSTs with
500 and the rest with 204, except that POSTs to a path named by --always PATH=STATUS always get
that status. Writes each POST to DIR/<n>.json (status given, path, headers, body, and the
monotonic time it arrived in seconds).

usage: webhook_sink.py --dir DIR --port-file FILE [--fail-first N] [--always PATH=STATUS ...]
"""
import argparse
import http.server
import json
import os
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--always", action="append", default=[])
    args = parser.parse_args()
    always = {path: int(status) for path, status in (a.split("=", 1) for a in args.always)}
    received = [0]
    answered_by_rule = [0]  # POSTs to other paths, for --fail-first

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received[0] += 1
            arrived = time.monotonic()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path in always:
                status = always[self.path]
            else:
                answered_by_rule[0] += 1
                status = 500 if answered_by_rule[0] <= args.fail_first else 204
            record = {"status": status, "path": self.path, "arrived": arrived,
                      "headers": {k.lower(): v for k, v in self.headers.items()},
                      "body": body.decode("utf-8")}
            path = os.path.join(args.dir, "%03d.json" % received[0])
            with open(path + ".tmp", "w") as out:
                json.dump(record, out)
            os.rename(path + ".tmp", path)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *unused):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
