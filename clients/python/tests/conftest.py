"""The suite runs against the installed package (its pytest11 entry point
provides the fixtures: no pytest_plugins here, so a broken entry point fails
the suite) and the CLI named by POP3_MOCK_CLI, by default this repository's
dist/cli.js (`npm run build`)."""
import os
import socket
import time
from pathlib import Path

import pytest

REPOSITORY_CLI = Path(__file__).resolve().parents[3] / 'dist' / 'cli.js'

if not os.environ.get('POP3_MOCK_CLI') and REPOSITORY_CLI.exists():
    os.environ['POP3_MOCK_CLI'] = str(REPOSITORY_CLI)

FIRST = b'From: shop@example.com\r\nSubject: Your order\r\n\r\nShipped today.\r\n'
SECOND = b'From: bank@example.com\r\nSubject: Statement\r\n\r\n.leading dot\r\nend\r\n'


@pytest.fixture(scope='session')
def mailbox_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of two .eml files, for --user NAME:PASSWORD:PATH."""
    folder = tmp_path_factory.mktemp('alice')
    (folder / '1-order.eml').write_bytes(FIRST)
    (folder / '2-statement.eml').write_bytes(SECOND)
    return folder


def port_closes_within(host: str, port: int, seconds: float) -> bool:
    """Polls until a connection is refused, or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.2).close()
        except OSError:
            return True
        time.sleep(0.02)
    return False


@pytest.fixture(scope='session')
def pop3_mock_session_options(mailbox_dir: Path) -> dict:
    """The shared server (pop3_mock_session) serves alice, seeded from mailbox_dir."""
    return {'users': [('alice', 'secret', mailbox_dir)]}


@pytest.fixture
def pop3(pop3_mock_session):
    """The shared server, reset: seeded mail, no rules, no sessions (one CLI start for the run)."""
    pop3_mock_session.reset()
    return pop3_mock_session
