"""A Python unittest suite against pop3-mock: the CLI runs the server, the
HTTP control API adds faults and verifies what the client sent.

Run from this folder, after `npm run build` at the repository root:

    python3 -m unittest -v

POP3_MOCK_CLI names another build of the CLI (default ../../dist/cli.js).
See docs/PYTHON.md.
"""
import json
import os
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

from fetcher import fetch_all

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CLI = os.environ.get('POP3_MOCK_CLI') or os.path.join(REPO, 'dist', 'cli.js')
MAILBOX = os.path.join(REPO, 'examples', 'fixtures', 'alice')  # a folder of .eml files


class Pop3Mock:
    """The pop3-mock CLI in a child process, and its HTTP control API."""

    def __init__(self, *args):
        self._log = tempfile.TemporaryFile()
        # --exit-on-stdin-close: the CLI stops when this process ends, even if it is killed.
        self._process = subprocess.Popen(
            ['node', CLI, *args, '--exit-on-stdin-close'],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log
        )
        # The CLI prints one JSON line when it listens; logs go to stderr.
        line = self._process.stdout.readline()
        if not line:
            self._process.wait()
            self._log.seek(0)
            raise RuntimeError('pop3-mock did not start: ' + self._log.read().decode())
        ready = json.loads(line)
        self.host = ready['host']
        self.port = ready['port']
        self.control_url = ready['controlUrl']
        self.token = ready['controlToken']
        self.ca_file = ready['caFile']

    def api(self, method, path, body=None):
        """Calls the control API; returns (HTTP status, decoded JSON)."""
        request = urllib.request.Request(
            self.control_url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={'Authorization': 'Bearer ' + self.token, 'Content-Type': 'application/json'},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def stop(self):
        """SIGTERM: the server closes every session and exits with 0."""
        self._process.terminate()
        code = self._process.wait(timeout=10)
        self._process.stdout.close()
        self._log.close()
        if code != 0:
            raise RuntimeError('pop3-mock exited with %d' % code)


class FetchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One server for the class; --control-port 0 picks a free port for the API.
        cls.pop3 = Pop3Mock('--user', 'alice:secret:' + MAILBOX, '--control-port', '0')

    @classmethod
    def tearDownClass(cls):
        cls.pop3.stop()

    def setUp(self):
        # Mailboxes as seeded, transcripts and faults cleared: tests do not see each other.
        self.assertEqual(self.pop3.api('POST', '/api/reset')[0], 200)

    def fetch(self, **options):
        return fetch_all(self.pop3.host, self.pop3.port, 'alice', 'secret', **options)

    def verify(self, pattern, times=None):
        body = {'pattern': pattern}
        if times is not None:
            body['times'] = times
        return self.pop3.api('POST', '/api/verify', body)

    def test_fetches_every_message_byte_for_byte(self):
        messages = self.fetch()
        status, listed = self.pop3.api('GET', '/api/users/alice/messages')
        self.assertEqual(status, 200)
        self.assertEqual([len(m) for m in messages], [m['size'] for m in listed])
        # The server's own copy of message 1, as RETR sends it.
        request = urllib.request.Request(
            self.pop3.control_url + '/api/users/alice/messages/1/raw',
            headers={'Authorization': 'Bearer ' + self.pop3.token},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            self.assertEqual(messages[0], response.read())
        self.assertEqual(self.verify('RETR %d' % len(messages), times=1), (200, {'verified': True, 'count': 1}))

    def test_retries_a_temporary_error_once(self):
        rule = {
            'trigger': {'point': 'command', 'verbs': ['RETR']},
            'times': 1,
            'action': {'type': 'reply', 'lines': ['-ERR [SYS/TEMP] try later']},
        }
        status, added = self.pop3.api('POST', '/api/faults', {'rules': [rule]})
        self.assertEqual(status, 201)
        self.assertEqual(len(added), 1)

        messages = self.fetch()

        self.assertEqual(len(messages), len(self.pop3.api('GET', '/api/users/alice/messages')[1]))
        # RETR 1 twice (the -ERR, then the retry), every other message once.
        self.assertEqual(self.verify('RETR 1', times=2), (200, {'verified': True, 'count': 2}))
        self.assertEqual(self.verify('RETR 2', times=1), (200, {'verified': True, 'count': 1}))

    def test_a_permanent_error_is_not_retried(self):
        rule = {
            'trigger': {'point': 'command', 'verbs': ['RETR'], 'args': ['2']},
            'action': {'type': 'reply', 'lines': ['-ERR no such message']},
        }
        self.pop3.api('POST', '/api/faults', {'rules': [rule]})
        with self.assertRaises(Exception) as raised:
            self.fetch()
        self.assertEqual(raised.exception.args[0], b'-ERR no such message')
        self.assertEqual(self.verify('RETR 2', times=1)[0], 200)

    def test_a_failed_verification_names_the_closest_commands(self):
        self.fetch()
        status, body = self.verify('DELE 1')
        self.assertEqual(status, 422)
        self.assertEqual(body['count'], 0)
        # The closest command first, with where it was seen and what it got.
        self.assertIn('TRANSACTION: RETR 1  -> +OK', body['nearMisses'][0])
        self.assertIn('Closest commands received', body['error'])

    def test_stls_against_the_ca_file_of_the_ready_line(self):
        self.assertTrue(self.pop3.ca_file, 'STLS is on by default, so the ready line names the CA')
        messages = self.fetch(cafile=self.pop3.ca_file)
        self.assertGreater(len(messages), 0)
        status, exported = self.pop3.api('GET', '/api/sessions')
        self.assertEqual(exported['sessions'][-1]['tls'], 'stls')


if __name__ == '__main__':
    unittest.main()
