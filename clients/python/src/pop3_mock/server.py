"""A pop3-mock CLI in a child process, and its control API."""
import atexit
import os
import selectors
import signal
import ssl
import subprocess
import tempfile
import time
from typing import IO, Iterable, List, Mapping, Optional, Sequence, Set, Union

from .cli_command import Command, User, cli_arguments, resolve_command
from .control_client import ControlClient
from .errors import StartError
from .parent_death import child_setup
from .ready_line import ReadyLine, parse_ready_line

#: What the CLI's exit codes mean (pop3-mock --help).
EXIT_CODES = {1: 'unexpected error', 2: 'bad command line', 3: 'port in use', 4: 'bad config, fixture, faults or dialect file'}

# Servers not closed yet: closed at interpreter exit if the test run forgot.
_running: Set['Pop3Mock'] = set()


class Pop3Mock(ControlClient):
    """Starts the CLI and waits for its ready line; `close()` (or `with`) stops it.

    The child dies with this process: SIGTERM from close(), from atexit, and
    on Linux from the kernel when the thread that started it dies (so start
    servers from a thread that lives as long as they do, such as the main one).
    """

    def __init__(
        self,
        users: Iterable[User] = (),
        config: Union[str, 'os.PathLike[str]', None] = None,
        dialect: Optional[str] = None,
        host: Optional[str] = None,
        port: Optional[int] = None,
        tls_port: Optional[int] = None,
        control_port: int = 0,
        args: Sequence[str] = (),
        command: Optional[Command] = None,
        token: Optional[str] = None,
        cwd: Union[str, 'os.PathLike[str]', None] = None,
        env: Optional[Mapping[str, str]] = None,
        exit_on_stdin_close: bool = False,
        startup_timeout: float = 30.0,
        request_timeout: float = 30.0,
    ) -> None:
        self.command: List[str] = resolve_command(command) + cli_arguments(
            users, config, dialect, host, port, tls_port, control_port, exit_on_stdin_close, args
        )
        child_env = dict(os.environ if env is None else env)
        if token is not None:
            child_env['POP3_MOCK_TOKEN'] = token
        # stderr to a file: a pipe nobody reads would fill up and block the server.
        self._log: IO[bytes] = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self.command,
            # A pipe kept open: the CLI's --exit-on-stdin-close ends it when this process dies.
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            cwd=cwd,
            env=child_env,
            preexec_fn=child_setup(),
        )
        self.exit_code: Optional[int] = None
        _running.add(self)
        try:
            self.ready: ReadyLine = self._read_ready_line(startup_timeout)
        except BaseException:
            self.close()
            raise
        if not self.ready.control_url or not self.ready.control_token:
            self.close()
            raise StartError('pop3-mock started without its control API: ' + ' '.join(self.command), None, '')
        super().__init__(self.ready.control_url, self.ready.control_token, request_timeout)

    # Where it listens ---------------------------------------------------------

    @property
    def host(self) -> str:
        return self.ready.host

    @property
    def port(self) -> int:
        return self.ready.port

    @property
    def tls_port(self) -> Optional[int]:
        return self.ready.tls_port

    @property
    def ca_file(self) -> Optional[str]:
        return self.ready.ca_file

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts the server's generated certificate (for STLS and POP3S)."""
        return ssl.create_default_context(cafile=self.ready.ca_file)

    def log(self) -> str:
        """What the CLI wrote to stderr so far: one line per login and session end."""
        self._log.flush()
        with open(self._log.fileno(), 'rb', closefd=False) as log:
            log.seek(0)
            return log.read().decode('utf-8', 'replace')

    # Stopping -----------------------------------------------------------------

    def close(self, timeout: float = 10.0) -> Optional[int]:
        """SIGTERM, then SIGKILL after `timeout` seconds; returns the exit code (0: a clean stop)."""
        if self not in _running:
            return self.exit_code
        _running.discard(self)
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait()
        self.exit_code = self.process.returncode
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self._log.close()
        return self.exit_code

    def __enter__(self) -> 'Pop3Mock':
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _signal(self, number: int) -> None:
        try:
            if os.name == 'posix':
                # The whole group: with npx, the CLI is a grandchild.
                os.killpg(self.process.pid, number)
            else:
                self.process.kill()
        except ProcessLookupError:
            pass

    # Starting -----------------------------------------------------------------

    def _read_ready_line(self, timeout: float) -> ReadyLine:
        assert self.process.stdout is not None
        stdout = self.process.stdout.fileno()
        received = b''
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while b'\n' not in received:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    raise self._start_error('printed no ready line within %g s' % timeout)
                chunk = os.read(stdout, 4096)
                if not chunk:
                    raise self._start_error('exited before it was ready')
                received += chunk
        line = received.split(b'\n', 1)[0]
        try:
            return parse_ready_line(line)
        except ValueError:
            raise self._start_error('printed %r instead of its ready line' % line) from None

    def _start_error(self, what: str) -> StartError:
        code: Optional[int] = None
        try:
            code = self.process.wait(timeout=5) if 'exited' in what else None
        except subprocess.TimeoutExpired:
            pass
        stderr = self.log()
        # npm's own errors: npx found no pop3-mock to run (its exit code is not one of the CLI's).
        npx_failed = any(line.startswith(('npm error', 'npm ERR!')) for line in stderr.splitlines())
        if code is not None:
            meaning = 'npx could not run pop3-mock' if npx_failed else EXIT_CODES.get(code, 'unknown')
            what = 'exited with code %d (%s) before it was ready' % (code, meaning)
        hint = (
            '\nInstall it in this project (npm install --save-dev pop3-mock), or set POP3_MOCK_CLI'
            " to a build's dist/cli.js."
            if npx_failed
            else ''
        )
        return StartError(
            'pop3-mock %s: %s\n%s%s' % (what, ' '.join(self.command), stderr.rstrip(), hint), code, stderr
        )


@atexit.register
def _close_forgotten_servers() -> None:
    for server in list(_running):
        server.close()
