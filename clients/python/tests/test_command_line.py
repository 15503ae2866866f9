"""Which command starts the CLI, and the flags options become."""
from pop3_mock import cli_arguments, resolve_command


def test_an_explicit_command_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv('POP3_MOCK_CLI', '/somewhere/cli.js')
    assert resolve_command('node "my cli.js"') == ['node', 'my cli.js']
    assert resolve_command(['node', 'x.js']) == ['node', 'x.js']


def test_pop3_mock_cli_names_a_script_for_node_or_a_command(monkeypatch):
    monkeypatch.setenv('POP3_MOCK_CLI', '/somewhere/dist/cli.js')
    assert resolve_command() == ['node', '/somewhere/dist/cli.js']
    monkeypatch.setenv('POP3_MOCK_CLI', 'npx pop3-mock')
    assert resolve_command() == ['npx', 'pop3-mock']


def test_without_either_npx_runs_the_installed_copy_only(monkeypatch):
    monkeypatch.delenv('POP3_MOCK_CLI', raising=False)
    assert resolve_command() == ['npx', '--no-install', 'pop3-mock']


def test_options_become_flags_and_the_control_api_is_always_on():
    assert cli_arguments(
        users=['alice:secret:mail', ('bob', 'pw')],
        config='pop3-mock.config.json',
        dialect='dovecot',
        tls_port=0,
        args=['--host', '::1'],
    ) == [
        '--config', 'pop3-mock.config.json',
        '--user', 'alice:secret:mail',
        '--user', 'bob:pw',
        '--dialect', 'dovecot',
        '--tls-port', '0',
        '--control-port', '0',
        '--host', '::1',
    ]


def test_exit_on_stdin_close_is_off_unless_asked_for():
    # Off by default: a CLI from before the flag refuses it (exit 2).
    assert '--exit-on-stdin-close' not in cli_arguments()
    assert cli_arguments(exit_on_stdin_close=True)[-1] == '--exit-on-stdin-close'
