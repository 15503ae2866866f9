"""events(): the server's event stream, heard as a poplib session goes, secrets
masked; filtered by type; a wait that runs out is a WaitTimeoutError; closing
it lets go of the socket on both ends; an overflow is an error, not a gap."""
import json
import os
import re
import socket
import time
from pathlib import Path

import pytest
from pop3_client import fetch_all

from pop3_mock import (
    EVENT_TYPES,
    ApiError,
    ControlClient,
    EventStreamOverflowError,
    Pop3MockError,
    WaitTimeoutError,
)

VOCABULARY = Path(__file__).resolve().parents[3] / 'src' / 'vocabulary.ts'


def test_a_poplib_session_is_heard_in_order_with_its_password_masked(pop3):
    with pop3.events() as stream:
        fetch_all(pop3.host, pop3.port, 'alice', 'secret')
        events = stream.until('session-end')

    assert [e['type'] for e in events[:2]] == ['session-start', 'reply']  # the greeting
    assert events[-1] == {**events[-1], 'type': 'session-end', 'reason': 'quit-update'}
    assert {e['sessionId'] for e in events} == {events[0]['sessionId']}
    commands = [e['raw'] for e in events if e['type'] == 'command']
    assert commands == ['USER alice', 'PASS ******', 'LIST', 'RETR 1', 'RETR 2', 'QUIT']
    # Each command is answered before the next one arrives.
    kinds = [e['type'] for e in events if e['type'] in ('command', 'reply')]
    assert kinds == ['reply'] + ['command', 'reply'] * len(commands)
    assert [e['number'] for e in events if e['type'] == 'retrieve'] == [1, 2]
    password = next(e for e in events if e['type'] == 'command' and e['verb'] == 'PASS')
    assert password['args'] == ['******']
    assert 'secret' not in json.dumps(events)
    # The same events the record keeps.
    assert pop3.session(events[0]['sessionId']).events == events


def test_since_hears_the_recorded_events_first_then_the_live_ones(pop3):
    since = time.time() * 1000
    fetch_all(pop3.host, pop3.port, 'alice', 'secret')
    past = pop3.session_end()
    with pop3.events('session-start', since=since) as replayed, pop3.events('session-start') as live_only:
        fetch_all(pop3.host, pop3.port, 'alice', 'secret')
        now = pop3.session_end()
        assert [replayed.next_event()['sessionId'] for _ in range(2)] == [past.id, now.id]
        assert live_only.next_event()['sessionId'] == now.id
    # A time after both: only what comes next, none of them.
    with pop3.events('session-start', since=time.time() * 1000 + 60_000) as later:
        with pytest.raises(WaitTimeoutError):
            later.next_event(timeout=0.2)


def test_the_type_filter_keeps_only_those_types(pop3):
    with pop3.events('command') as commands, pop3.events(['session-start', 'session-end']) as ends:
        fetch_all(pop3.host, pop3.port, 'alice', 'secret')
        assert [e['verb'] for e in commands.until('command', timeout=5)] == ['USER']
        assert [e['raw'] for e in (commands.next_event() for _ in range(5))] == [
            'PASS ******',
            'LIST',
            'RETR 1',
            'RETR 2',
            'QUIT',
        ]
        assert [e['type'] for e in ends.until('session-end')] == ['session-start', 'session-end']
        # What the filter skipped is no event: the wait runs out, and says what it skipped.
        with pytest.raises(WaitTimeoutError, match=r'skipped meanwhile .*: .*session-end'):
            commands.next_event(timeout=0.1)


def test_a_bad_type_is_refused_naming_where_and_what_was_expected(pop3):
    expected = r"^types\[1\]: expected an event type \(session-start, .*\), got 'sesion-end'$"
    with pytest.raises(ValueError, match=expected):
        pop3.events(['command', 'sesion-end'])
    with pytest.raises(ValueError, match=r"^types: expected an event type .*got 'commands'$"):
        pop3.events('commands')
    with pop3.events('command') as stream:
        expected = r"^event_type: expected one of the stream's types \(command\), got 'reply'$"
        with pytest.raises(ValueError, match=expected):
            stream.until('reply')


def test_a_wait_that_runs_out_raises_and_the_stream_goes_on(pop3):
    with pop3.events(timeout=0.1) as stream:
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError) as caught:
            next(stream)
        assert time.monotonic() - started >= 0.1
        assert caught.value.status == 408
        assert str(caught.value) == 'pop3-mock: no event on GET /api/events within 0.1 s'
        with pytest.raises(WaitTimeoutError, match="no event up to a 'session-end' one .* within 0.05 s"):
            stream.until('session-end', timeout=0.05)
        # The timeouts spoiled nothing: the next session is heard whole.
        fetch_all(pop3.host, pop3.port, 'alice', 'secret')
        events = stream.until('session-end', timeout=5)
        assert (events[0]['type'], events[-1]['type']) == ('session-start', 'session-end')


def open_descriptors():
    return set(os.listdir('/proc/self/fd'))


def connections(control_port):
    """(local port, remote port, state) of the loopback TCP connections to or from
    the control port (/proc/net/tcp; state 01 is ESTABLISHED)."""
    found = []
    with open('/proc/net/tcp') as table:
        for row in list(table)[1:]:
            local_address, remote_address, state = row.split()[1:4]
            ports = (int(local_address.split(':')[1], 16), int(remote_address.split(':')[1], 16))
            if control_port in ports:
                found.append(ports + (state,))
    return found


def client_ports(control_port):
    """This side's ports of the established connections to the control port."""
    return {local for local, remote, state in connections(control_port) if (remote, state) == (control_port, '01')}


def server_ends(control_port, client_port):
    """The states of the server's end of the connection from client_port."""
    wanted = (control_port, client_port)
    return [state for local, remote, state in connections(control_port) if (local, remote) == wanted]


def until_true(check, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.skipif(not os.path.exists('/proc/net/tcp'), reason='reads /proc (Linux)')
def test_closing_the_stream_lets_go_of_the_socket_on_both_ends(pop3):
    control_port = int(pop3.control_url.rsplit(':', 1)[1])
    before = open_descriptors()
    for leave in ('with', 'close'):
        ports = client_ports(control_port)
        stream = pop3.events()
        assert len(open_descriptors() - before) == 1
        [port] = client_ports(control_port) - ports
        assert server_ends(control_port, port) == ['01']
        if leave == 'with':
            with stream:
                pass
        else:
            stream.close()
        assert stream.closed
        assert open_descriptors() <= before, leave
        # The server closed its end too: it writes to this reader no more.
        assert until_true(lambda: server_ends(control_port, port) == []), (leave, server_ends(control_port, port))
    # A closed stream has ended: iteration stops, a wait says so.
    assert list(stream) == []
    with pytest.raises(Pop3MockError, match='has ended'):
        stream.next_event()


def test_iteration_stops_when_the_server_stops(pop3_mock_factory):
    server = pop3_mock_factory(users=['alice:secret'])
    stream = server.events(timeout=10)
    server.close()
    started = time.monotonic()
    assert list(stream) == []
    assert time.monotonic() - started < 10  # the end, not the timeout
    assert stream.closed


def test_an_overflow_raises_after_the_events_read_before_it(pop3):
    # Large events: each NOOP's fault event describes its 30-line reply (about 31 kB with the others).
    # Few commands, many octets: the server's cost goes with the commands, the overflow with the octets.
    pop3.add_fault(
        {
            'trigger': {'point': 'command', 'verbs': ['NOOP']},
            'action': {'type': 'reply', 'lines': ['+OK ' + 'x' * 990] + ['x' * 998] * 29},
        }
    )
    count = 1_200  # about 38 MB of events: the 8 MiB limit and the kernel's socket buffers, twice over
    with pop3.events() as stream:
        with socket.create_connection((pop3.host, pop3.port), timeout=30) as client:
            client.sendall(b'USER alice\r\nPASS secret\r\n' + b'NOOP\r\n' * count + b'QUIT\r\n')
            while client.recv(1 << 20):
                pass  # every reply, then the server's close: the session has ended
        read = []
        with pytest.raises(EventStreamOverflowError) as caught:
            for event in stream:
                read.append(event['type'])
        assert stream.closed
    assert caught.value.unread > 8 * 1024 * 1024
    assert 'left %d octets of it unread' % caught.value.unread in str(caught.value)
    # The events before the overflow were given, in order, and then no more: some were lost.
    assert read[0] == 'session-start'
    assert 0 < read.count('command') < count + 3


@pytest.mark.skipif(not VOCABULARY.exists(), reason='needs the repository sources')
def test_the_event_types_are_the_servers():
    declared = re.findall(r"readonly type: '([a-z-]+)'", VOCABULARY.read_text(encoding='utf-8'))
    assert sorted(EVENT_TYPES) == sorted(declared)


def test_a_wrong_token_is_refused_as_any_call_is(pop3):
    stranger = ControlClient(pop3.control_url, 'not-the-token')
    with pytest.raises(ApiError) as caught:
        stranger.events()
    assert (caught.value.status, caught.value.where) == (401, 'GET /api/events')
    assert 'missing or wrong token' in str(caught.value)
