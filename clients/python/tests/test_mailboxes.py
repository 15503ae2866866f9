"""Real POP3 with poplib against the seeded and delivered mail, and the
users and mailbox calls of the control API."""
import poplib

import pytest
from conftest import FIRST, SECOND
from pop3_client import fetch_all

from pop3_mock import FixtureError, InputError, NotFoundError, UserLoggedInError


def test_poplib_fetches_the_bytes_raw_message_returns(pop3):
    fetched = fetch_all(pop3.host, pop3.port, 'alice', 'secret')
    assert fetched == [FIRST, SECOND]
    assert [pop3.raw_message('alice', n) for n in (1, 2)] == fetched


def test_delivered_bytes_arrive_exactly(pop3):
    latin1 = b'Subject: caf\xe9\r\n\r\nna\xefve bytes\r\n'
    [added] = pop3.deliver('alice', latin1)
    assert (added.number, added.size) == (3, len(latin1))
    # The messages added, as messages() lists them (the same answer as deliver() in TypeScript).
    listed = pop3.messages('alice')[2]
    assert (added.uid, added.delivered_at) == (listed.uid, listed.delivered_at)
    assert fetch_all(pop3.host, pop3.port, 'alice', 'secret')[2] == latin1


def test_a_fixture_that_cannot_be_read_is_named_by_its_place_and_nothing_is_added(pop3, tmp_path):
    missing = str(tmp_path / 'missing.eml')
    with pytest.raises(FixtureError) as refused:
        pop3.deliver('alice', [b'Subject: x\r\n\r\nx\r\n', {'path': missing}])
    assert isinstance(refused.value, InputError)
    assert (refused.value.status, refused.value.path) == (400, 'messages[1]')
    assert refused.value.problem == 'fixture not found: %s' % missing
    assert str(refused.value) == 'messages[1]: fixture not found: %s' % missing
    assert fetch_all(pop3.host, pop3.port, 'alice', 'secret') == [FIRST, SECOND]


def test_deleted_and_outcome_after_dele_and_quit(pop3):
    fetch_all(pop3.host, pop3.port, 'alice', 'secret', delete=True)
    assert pop3.messages('alice') == []
    assert [d.size for d in pop3.deleted('alice')] == [len(FIRST), len(SECOND)]
    outcome = pop3.outcome('alice')
    assert outcome.remaining == []
    [session] = pop3.sessions()
    assert [(r.session_id, r.number) for r in outcome.retrieved] == [(session.id, 1), (session.id, 2)]
    assert [m.number for m in pop3.reset_user('alice')] == [1, 2]
    assert pop3.raw_message('alice', 1) == FIRST


def test_put_and_remove_a_user(pop3):
    created = pop3.put_user('bob', 'pw', messages=['Subject: hi\r\n\r\nhello\r\n'])
    assert (created.user, len(created.messages)) == ('bob', 1)
    assert {u.user: u.messages for u in pop3.users()} == {'alice': 2, 'bob': 1}
    assert pop3.status().users == ['alice', 'bob']
    assert pop3.remove_user('bob') is True
    assert pop3.remove_user('bob') is False
    with pytest.raises(NotFoundError) as caught:
        pop3.messages('bob')
    assert caught.value.status == 404


def test_a_logged_in_user_is_neither_replaced_nor_removed(pop3):
    pop3.put_user('carol', 'pw')
    client = poplib.POP3(pop3.host, pop3.port, timeout=10)
    try:
        client.user('carol')
        client.pass_('pw')
        [session] = pop3.sessions()
        for call, name in [(lambda: pop3.remove_user('carol'), 'removeUser'),
                           (lambda: pop3.put_user('carol', 'other'), 'addUser')]:
            with pytest.raises(UserLoggedInError) as caught:
                call()
            assert (caught.value.status, caught.value.user) == (409, 'carol')
            assert (caught.value.session_id, caught.value.call) == (session.id, name)
        assert 'carol' in [u.user for u in pop3.users()]
    finally:
        client.quit()
    pop3.session_end(session.id)
    assert pop3.remove_user('carol') is True


def test_a_404_names_what_the_server_does_not_hold(pop3):
    calls = [
        (lambda: pop3.messages('bob'), {'kind': 'user', 'user': 'bob'}),
        (lambda: pop3.raw_message('alice', 9), {'kind': 'message', 'user': 'alice', 'number': 9}),
        (lambda: pop3.session(9), {'kind': 'session', 'sessionId': 9}),
        (lambda: pop3.session_end(9, timeout_ms=100), {'kind': 'session', 'sessionId': 9}),
    ]
    for call, missing in calls:
        with pytest.raises(NotFoundError) as caught:
            call()
        assert (caught.value.status, caught.value.missing) == (404, missing)
    # An unknown rule's 404 names no user, message or session; remove_fault() answers it
    # with False, so the request is made on the client's own transport.
    with pytest.raises(NotFoundError) as caught:
        pop3._http.call('DELETE', '/api/faults/no-such-rule')
    assert (caught.value.status, caught.value.missing) == (404, None)


def test_stls_against_the_generated_ca(pop3):
    client = poplib.POP3(pop3.host, pop3.port, timeout=10)
    try:
        client.stls(context=pop3.ssl_context())
        client.user('alice')
        client.pass_('secret')
        assert client.stat()[0] == 2
    finally:
        client.quit()
    assert pop3.sessions()[0].tls == 'stls'


def test_a_failed_stls_handshake_is_in_the_session(pop3):
    client = poplib.POP3(pop3.host, pop3.port, timeout=10)
    assert client._shortcmd('STLS').startswith(b'+OK')
    client.sock.sendall(b'not a TLS record\r\n')  # no handshake: the server gives up on it
    pop3.session_end(timeout_ms=5000)
    client.close()

    [session] = pop3.sessions()
    assert session.tls_refusal is None
    assert (session.tls_failure['mode'], session.tls_failure['cause']) == ('stls', 'not-tls')
