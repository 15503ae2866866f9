"""The pytest fixtures of the plugin, loaded through its entry point."""
import subprocess
import sys

import pytest

from pop3_mock import Pop3Mock

seen_session_servers = set()


@pytest.mark.pop3_mock(users=['alice:secret'], dialect='rfc')
class TestMarkers:
    @pytest.mark.pop3_mock(users=['bob:pw'])
    def test_the_nearest_marker_wins_key_by_key(self, pop3_mock):
        assert pop3_mock.status().users == ['bob']

    def test_a_class_marker_applies_to_its_tests(self, pop3_mock):
        assert pop3_mock.status().users == ['alice']


def test_each_test_gets_its_own_server(pop3_mock, pop3_mock_factory):
    other = pop3_mock_factory(users=['carol:pw'])
    assert isinstance(other, Pop3Mock) and other.port != pop3_mock.port
    assert other.status().users == ['carol']


@pytest.mark.parametrize('round', [1, 2])
def test_the_session_server_is_shared(pop3_mock_session, round):
    seen_session_servers.add(pop3_mock_session.port)
    assert len(seen_session_servers) == 1


def test_the_plugin_came_from_the_entry_point(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin('pop3_mock')


MARKED_SESSION_TEST = '''
import pytest

@pytest.mark.pop3_mock(dialect='gmail')
def test_marked_but_on_the_shared_server(pop3_mock_session):
    pass
'''


def test_a_marker_the_shared_server_cannot_honour_is_an_error(tmp_path):
    # The shared server was started once with its own options: the marker would be ignored, and the
    # test would run against a server that is not what it asked for.
    (tmp_path / 'test_marked.py').write_text(MARKED_SESSION_TEST)
    run = subprocess.run(
        [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', str(tmp_path / 'test_marked.py')],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert '1 error' in run.stdout
    assert 'configures the pop3_mock fixture only' in run.stdout
