"""Fault rules through the control API: they fire, they are listed with
their hits, and a bad one is refused with where it is wrong. On the shared
server (conftest.py's `pop3`, reset per test): a CLI start each took 0.3 s."""
import poplib

import pytest

from pop3_mock import InputError, ReplyCut

TEMPORARY_RETR_ERROR = {
    'trigger': {'point': 'command', 'verbs': ['RETR']},
    'times': 1,
    'action': {'type': 'reply', 'lines': ['-ERR [SYS/TEMP] try later']},
}


def test_a_rule_fires_once_and_is_counted(pop3):
    pop3.deliver('alice', ['Subject: one\r\n\r\nbody\r\n'])
    created = pop3.add_fault(TEMPORARY_RETR_ERROR)
    assert 'RETR' in created.explain
    assert [p.rule['id'] for p in pop3.pending_faults()] == [created.id]

    client = poplib.POP3(pop3.host, pop3.port, timeout=10)
    client.user('alice')
    client.pass_('secret')
    with pytest.raises(poplib.error_proto, match=r'SYS/TEMP'):
        client.retr(1)
    assert client.retr(1)[0].startswith(b'+OK'), 'times: 1 fires once'
    client.quit()

    [status] = pop3.faults()
    assert (status.rule['id'], status.hits, status.source) == (created.id, 1, 'runtime')
    assert pop3.pending_faults() == []
    assert pop3.remove_fault(created.id) is True
    assert pop3.remove_fault(created.id) is False


def test_a_bad_rule_is_a_400_with_its_path_and_nothing_is_stored(pop3):
    bad = {'trigger': {'point': 'command', 'verbs': ['RETR']}, 'action': {'type': 'close-after-bytes', 'bytes': -3}}
    with pytest.raises(InputError) as caught:
        pop3.add_faults([TEMPORARY_RETR_ERROR, bad])
    error = caught.value
    assert (error.status, error.path, error.where) == (400, 'rules[1].action.bytes', 'POST /api/faults')
    assert error.issues == [{'path': 'rules[1].action.bytes', 'message': 'expected an integer >= 0, got -3'}]
    assert pop3.faults() == []


def test_a_reply_cut_by_a_fault_says_how_far_it_went(pop3):
    pop3.add_fault({'trigger': {'point': 'command', 'verbs': ['RETR']}, 'action': {'type': 'close-after-bytes', 'bytes': 40}})
    client = poplib.POP3(pop3.host, pop3.port, timeout=10)
    client.user('alice')
    client.pass_('secret')
    with pytest.raises(poplib.error_proto):
        client.retr(1)
    client.close()
    command = pop3.wait_for_command('RETR 1', include_past=True)
    # '+OK N octets' CRLF, the N octets (no line to dot-stuff), '.' CRLF.
    whole = len(command.reply) + 2 + int(command.reply.split()[1]) + 3
    assert command.reply_cut == ReplyCut(bytes=40, whole_bytes=whole)
    assert pop3.wait_for_command('USER alice', include_past=True).reply_cut is None
    session = pop3.session_end(command.session_id, timeout_ms=5000)
    reply = [e for e in session.events if e['type'] == 'reply'][-1]
    assert (reply['bytes'], reply['wholeBytes']) == (40, whole)
    assert f'-- reply cut after 40 of {whole} octets; the rest never reached the client' in session.transcript
    assert 'S: .' not in session.transcript
