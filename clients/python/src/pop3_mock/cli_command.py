"""Which command starts the pop3-mock CLI, and its arguments."""
import os
import shlex
from typing import Iterable, List, Optional, Sequence, Tuple, Union

#: A user as the CLI takes it: "NAME:PASSWORD[:PATH]", or (name, password[, path]).
User = Union[str, Tuple[str, str], Tuple[str, str, Union[str, 'os.PathLike[str]']]]
Command = Union[str, Sequence[str]]

FALLBACK_COMMAND = ['npx', '--no-install', 'pop3-mock']


def resolve_command(command: Optional[Command] = None) -> List[str]:
    """The explicit command; else POP3_MOCK_CLI (a .js file runs with node,
    anything else is a command line); else `npx --no-install pop3-mock`,
    which runs the copy in node_modules and never installs one."""
    if command is not None:
        return shlex.split(command) if isinstance(command, str) else list(command)
    from_env = os.environ.get('POP3_MOCK_CLI')
    if from_env:
        if from_env.endswith(('.js', '.cjs', '.mjs')):
            return ['node', from_env]
        return shlex.split(from_env)
    return list(FALLBACK_COMMAND)


def user_argument(user: User) -> str:
    if isinstance(user, str):
        return user
    name, password = user[0], user[1]
    if ':' in name or ':' in password:
        # The CLI splits at the first two colons; a config file takes any password.
        raise ValueError('a name or password with ":" cannot go on the command line: use a config file')
    return ':'.join([name, password] + [os.fspath(p) for p in user[2:]])


def cli_arguments(
    users: Iterable[User] = (),
    config: Union[str, 'os.PathLike[str]', None] = None,
    dialect: Optional[str] = None,
    host: Optional[str] = None,
    port: Optional[int] = None,
    tls_port: Optional[int] = None,
    control_port: int = 0,
    exit_on_stdin_close: bool = False,
    args: Sequence[str] = (),
) -> List[str]:
    """The CLI's flags for these options; `args` are passed as they are, last."""
    flags: List[str] = []
    if config is not None:
        flags += ['--config', os.fspath(config)]
    for user in users:
        flags += ['--user', user_argument(user)]
    for flag, value in (('--dialect', dialect), ('--host', host), ('--port', port), ('--tls-port', tls_port)):
        if value is not None:
            flags += [flag, str(value)]
    flags += ['--control-port', str(control_port)]
    if exit_on_stdin_close:
        flags.append('--exit-on-stdin-close')
    return flags + list(args)
