"""Runs one POP3 session with Python's standard poplib and prints the results as JSON.

Usage: python3 pop3_session.py PORT OPS_JSON

OPS_JSON is a list of operations, each a list: a poplib.POP3 method name and
its arguments, e.g. [["user", "alice"], ["pass_", "secret"], ["retr", 1], ["quit"]].
"getwelcome", "capa", "stat", "list", "uidl", "retr", "top", "dele", "rset",
"noop", "quit" and "close" (drop the socket without QUIT) are allowed.

Output: one JSON line, a list with one entry per operation:
{"ok": value} or {"error": "error_proto", "message": "..."}.
Bytes are written as {"b64": "..."} so the test sees them octet for octet.
"""

import base64
import json
import poplib
import sys

ALLOWED = {
    "getwelcome", "capa", "user", "pass_", "stat", "list", "uidl",
    "retr", "top", "dele", "rset", "noop", "quit", "close",
}


def encode(value):
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def main():
    port = int(sys.argv[1])
    ops = json.loads(sys.argv[2])
    client = poplib.POP3("127.0.0.1", port, timeout=5)
    results = []
    for op in ops:
        name, args = op[0], op[1:]
        if name not in ALLOWED:
            raise SystemExit("unknown operation: " + name)
        try:
            results.append({"ok": encode(getattr(client, name)(*args))})
        except poplib.error_proto as error:
            message = error.args[0] if error.args else ""
            if isinstance(message, bytes):
                message = message.decode("latin-1")
            results.append({"error": "error_proto", "message": message})
    if client.sock is not None:
        client.close()
    print(json.dumps(results))


main()
