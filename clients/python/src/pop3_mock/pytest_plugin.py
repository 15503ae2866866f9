"""pytest fixtures, loaded through the pytest11 entry point once the package
is installed (or with `pytest_plugins = ['pop3_mock.pytest_plugin']`).

- `pop3_mock`: a server for one test, configured by `@pytest.mark.pop3_mock(...)`
  (Pop3Mock's keyword arguments; a marker nearer the test wins key by key). On a
  test of `pop3_mock_session` without `pop3_mock`, the marker is an error.
- `pop3_mock_session`: one server for the whole run, configured by overriding
  the `pop3_mock_session_options` fixture in a conftest.py.
- `pop3_mock_factory`: `pop3_mock_factory(**options)` starts more servers,
  all closed after the test.
"""
from typing import Any, Callable, Dict, Iterator, List

import pytest

from .server import Pop3Mock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        'markers', "pop3_mock(**options): the pop3_mock fixture's server options (Pop3Mock keyword arguments)"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Only the pop3_mock fixture reads the marker: on a test of the shared server it would be
    # ignored, and the test would run against a server other than the one it asked for.
    fixtures = getattr(item, 'fixturenames', ())
    if item.get_closest_marker('pop3_mock') is not None and 'pop3_mock_session' in fixtures:
        if 'pop3_mock' not in fixtures:
            raise TypeError(
                '@pytest.mark.pop3_mock configures the pop3_mock fixture only; this test uses '
                'pop3_mock_session, started once with pop3_mock_session_options: use pop3_mock, '
                'or set those options'
            )


@pytest.fixture
def pop3_mock_factory() -> Iterator[Callable[..., Pop3Mock]]:
    started: List[Pop3Mock] = []

    def start(**options: Any) -> Pop3Mock:
        server = Pop3Mock(**options)
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.close()


@pytest.fixture
def pop3_mock(request: pytest.FixtureRequest, pop3_mock_factory: Callable[..., Pop3Mock]) -> Pop3Mock:
    options: Dict[str, Any] = {}
    # iter_markers yields the nearest first: apply the farthest first so nearer ones override.
    for marker in reversed(list(request.node.iter_markers('pop3_mock'))):
        if marker.args:
            raise TypeError('@pytest.mark.pop3_mock takes keyword arguments only, got %r' % (marker.args,))
        options.update(marker.kwargs)
    return pop3_mock_factory(**options)


@pytest.fixture(scope='session')
def pop3_mock_session_options() -> Dict[str, Any]:
    """Override in a conftest.py to configure `pop3_mock_session`."""
    return {}


@pytest.fixture(scope='session')
def pop3_mock_session(pop3_mock_session_options: Dict[str, Any]) -> Iterator[Pop3Mock]:
    with Pop3Mock(**pop3_mock_session_options) as server:
        yield server
