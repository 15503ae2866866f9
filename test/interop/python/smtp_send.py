"""Sends one message with Python's standard smtplib and prints the outcome as JSON.

Usage: python3 smtp_send.py SPEC_JSON   (the message itself on stdin, as bytes)

SPEC_JSON: {"port": N, "mode": "plain" | "starttls" | "smtps", "ca": PEM or null,
"user": name or null, "password": text or null, "from": address, "to": [addresses]}.
With a user, smtplib's login() picks the mechanism (PLAIN or LOGIN) from EHLO.

Output: one JSON line: {"ok": {"refused": {...}}} when sendmail() returned, or
{"error": class name, "code": SMTP reply code or null, "message": text}.
"""

import json
import smtplib
import ssl
import sys


def main():
    spec = json.loads(sys.argv[1])
    message = sys.stdin.buffer.read()
    context = ssl.create_default_context(cadata=spec["ca"]) if spec["ca"] else None
    try:
        if spec["mode"] == "smtps":
            client = smtplib.SMTP_SSL("127.0.0.1", spec["port"], context=context, timeout=10)
        else:
            client = smtplib.SMTP("127.0.0.1", spec["port"], timeout=10)
        with client:
            client.ehlo("python.test")
            if spec["mode"] == "starttls":
                client.starttls(context=context)
                client.ehlo("python.test")
            if spec["user"]:
                client.login(spec["user"], spec["password"])
            refused = client.sendmail(spec["from"], spec["to"], message)
        print(json.dumps({"ok": {"refused": {k: list(v) for k, v in refused.items()}}}))
    except smtplib.SMTPException as error:
        code = getattr(error, "smtp_code", None)
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            code = next(iter(error.recipients.values()))[0]
        print(json.dumps({"error": type(error).__name__, "code": code, "message": str(error)}))


main()
