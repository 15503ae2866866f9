"""The code under test: a small POP3 fetcher with Python's standard poplib.

It downloads every message of a mailbox and retries a RETR once when the
server answers with a temporary error (RFC 3206: -ERR [SYS/TEMP]).
"""
import poplib
import ssl

TEMPORARY = b'-ERR [SYS/TEMP]'


def fetch_all(host, port, user, password, cafile=None, timeout=10):
    """Returns every message as bytes (CRLF line ends), oldest first.

    With `cafile`, the session is upgraded to TLS with STLS first and the
    server certificate is checked against that CA.
    """
    client = poplib.POP3(host, port, timeout=timeout)
    try:
        if cafile:
            client.stls(context=ssl.create_default_context(cafile=cafile))
        client.user(user)
        client.pass_(password)
        count, _size = client.stat()
        return [_retr(client, number) for number in range(1, count + 1)]
    finally:
        client.quit()


def _retr(client, number):
    for attempt in (1, 2):
        try:
            _status, lines, _octets = client.retr(number)
            # poplib removes the dot-stuffing and splits the lines.
            return b'\r\n'.join(lines) + b'\r\n'
        except poplib.error_proto as error:
            if attempt == 2 or not error.args[0].startswith(TEMPORARY):
                raise
    raise AssertionError('unreachable')
