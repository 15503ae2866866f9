"""A tiny fetcher on the standard poplib: the 'code under test' of the suite."""
import poplib
from typing import List


def fetch_all(host: str, port: int, user: str, password: str, delete: bool = False) -> List[bytes]:
    client = poplib.POP3(host, port, timeout=10)
    try:
        client.user(user)
        client.pass_(password)
        count = len(client.list()[1])
        messages = [b'\r\n'.join(client.retr(n)[1]) + b'\r\n' for n in range(1, count + 1)]
        if delete:
            for n in range(1, count + 1):
                client.dele(n)
        return messages
    finally:
        client.quit()
