"""The CLI does not outlive the Python process that started it."""
import os
import signal
import subprocess
import socket
import sys

import pytest
from conftest import port_closes_within

# Starts a server, prints its port, and waits until its stdin closes.
CHILD = '''
import sys
from pop3_mock import Pop3Mock
server = Pop3Mock()
print(server.port, flush=True)
sys.stdin.read()
'''


def start_child():
    child = subprocess.Popen([sys.executable, '-c', CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    line = child.stdout.readline()
    assert line, 'the child did not start a server'
    return child, int(line)


def test_the_cli_stops_when_its_python_parent_is_killed():
    child, port = start_child()
    assert not port_closes_within('127.0.0.1', port, 0.1), 'the server listens while the child lives'
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    child.stdin.close()
    assert port_closes_within('127.0.0.1', port, 2), 'the CLI outlived a SIGKILLed parent'


def test_atexit_stops_a_server_nobody_closed():
    child, port = start_child()
    child.stdin.close()  # the child returns from stdin.read() and exits normally
    assert child.wait(timeout=10) == 0
    child.stdout.close()
    # Closed already, not soon: atexit waits for the CLI to exit (the parent-death signal would come after).
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(('127.0.0.1', port), timeout=1)
