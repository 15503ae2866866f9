"""Starting and stopping the CLI: the ready line, early exits with their
stderr, a start-up deadline, and close()."""
import socket
import sys

import pytest
from conftest import port_closes_within

from pop3_mock import Pop3Mock, StartError


def test_reads_the_ready_line_and_stops_cleanly(mailbox_dir):
    server = Pop3Mock(users=[('alice', 'secret', mailbox_dir)], token='chosen-token')
    assert server.host == '127.0.0.1'
    assert server.port > 0 and server.ready.control_url.startswith('http://127.0.0.1:')
    assert server.ready.control_token == 'chosen-token'
    assert server.ca_file and server.ready.ui_url
    assert [m.number for m in server.messages('alice')] == [1, 2]
    with socket.create_connection((server.host, server.port), timeout=5) as pop3:
        assert pop3.recv(100).startswith(b'+OK')
    assert server.close() == 0
    assert port_closes_within(server.host, server.port, 2)
    assert server.close() == 0, 'a second close() changes nothing'


def test_a_bad_command_line_reports_exit_code_2_and_the_cli_stderr():
    with pytest.raises(StartError) as caught:
        Pop3Mock(dialect='no-such-dialect')
    assert caught.value.exit_code == 2
    assert 'exited with code 2 (bad command line)' in str(caught.value)
    assert 'no-such-dialect' in caught.value.stderr


def test_a_missing_fixture_reports_exit_code_4(tmp_path):
    with pytest.raises(StartError) as caught:
        Pop3Mock(users=['alice:secret:' + str(tmp_path / 'missing')])
    assert caught.value.exit_code == 4
    assert 'bad config, fixture, faults or dialect file' in str(caught.value)
    assert 'missing' in caught.value.stderr


def test_a_port_in_use_reports_exit_code_3():
    # Taken by a plain listening socket: a second CLI would cost a node start.
    with socket.create_server(('127.0.0.1', 0)) as taken:
        with pytest.raises(StartError) as caught:
            Pop3Mock(port=taken.getsockname()[1])
    assert caught.value.exit_code == 3
    assert 'port in use' in str(caught.value)


def test_npx_without_the_package_is_said_to_be_npx_failing_with_what_to_do():
    # A stand-in for `npx --no-install pop3-mock` where no pop3-mock is installed: npm's errors, exit 1.
    npx = [sys.executable, '-S', '-c', 'import sys; sys.stderr.write("npm error code E404\\n"); sys.exit(1)']
    with pytest.raises(StartError) as caught:
        Pop3Mock(command=npx)
    message = str(caught.value)
    assert 'exited with code 1 (npx could not run pop3-mock)' in message
    assert 'unexpected error' not in message
    assert message.endswith("set POP3_MOCK_CLI to a build's dist/cli.js.")


def test_a_command_that_never_prints_its_ready_line_times_out():
    # A stand-in CLI that blocks on its stdin, which the helper keeps open.
    silent = [sys.executable, '-S', '-c', 'import sys; sys.stdin.read()']
    with pytest.raises(StartError) as caught:
        Pop3Mock(command=silent, startup_timeout=0.2)
    assert 'printed no ready line within 0.2 s' in str(caught.value)


def test_a_command_that_prints_something_else_is_refused():
    chatty = [sys.executable, '-S', '-c', 'print("hello")']
    with pytest.raises(StartError, match="printed b'hello' instead of its ready line"):
        Pop3Mock(command=chatty)


def test_users_with_a_colon_in_the_password_are_refused_before_starting():
    with pytest.raises(ValueError, match='config file'):
        Pop3Mock(users=[('alice', 'se:cret')])


def test_the_ready_line_gives_every_port():
    with Pop3Mock(args=['--smtp-port', '0', '--smtp-tls-port', '0']) as server:
        status = server.status()
        assert status.smtp_tls_port
        assert (server.ready.smtp_port, server.ready.smtp_tls_port) == (status.smtp_port, status.smtp_tls_port)


def test_exit_on_stdin_close_stops_the_cli_when_its_stdin_closes():
    server = Pop3Mock(exit_on_stdin_close=True)
    try:
        server.process.stdin.close()
        assert server.process.wait(timeout=10) == 0
        assert 'standard input closed' in server.log()
    finally:
        server.close()
