import { systemClock } from '../clock';
import type { ControlServer } from '../control/control-server';
import type { Pop3MockOptions } from '../options';
import { checkInput } from '../schema/check';
import { OPTIONS_SOURCE } from '../schema/input-error';
import { pop3MockOptionsFor } from '../schema/options';
import { rememberingCheck } from '../schema/remembered-check';
import { Pop3Mock } from '../server/pop3-mock';

/** @internal The control server the assembly attached to a mock, for tests of the browser view. */
export function controlServerOf(pop3: Pop3Mock): ControlServer | undefined {
  return controlServers.get(pop3);
}

const controlServers = new WeakMap<Pop3Mock, ControlServer>();

/**
 * The options check; a start with the same options as a recent one (a test's
 * beforeEach) reuses its verdict. A dialect given as an object is checked
 * every time: a dialect file's object is made a Dialect from the exported
 * presets, which a program may change between starts.
 */
const checkOptions = rememberingCheck(
  (options) => checkInput(pop3MockOptionsFor(options), options, { source: OPTIONS_SOURCE, noun: 'option' }),
  (checked) => typeof checked.dialect !== 'object',
);

/**
 * Starts a mock POP3 server and resolves once it is listening.
 *
 * The assembly: it checks the options (before anything listens), builds the
 * POP3 core, and attaches what the options ask for: the HTTP control API
 * with the browser view mounted on it, and the SMTP intake. The core imports
 * none of them.
 *
 * @example
 * const pop3 = await startPop3Mock({ users: { alice: { password: 'secret', messages: ['fixtures/a.eml'] } } });
 * // ... point the code under test at pop3.host and pop3.port ...
 * await pop3.close();
 */
export async function startPop3Mock(options: Pop3MockOptions = {}): Promise<Pop3Mock> {
  const checked = checkOptions(options);
  const pop3 = new Pop3Mock(checked);
  try {
    await pop3.load();
    // The control API, the browser view and the SMTP intake are loaded when
    // asked for: most test files never do, and loading them was a third of
    // importing the package (what every test file pays).
    if (checked.control) {
      const [{ ControlServer }, { mountUi }] = await Promise.all([
        import('../control/control-server.js'),
        import('../ui/index.js'),
      ]);
      const settings = checked.control === true ? {} : checked.control;
      const control = new ControlServer(pop3, settings);
      mountUi(pop3, control);
      controlServers.set(pop3, control);
      await control.listen(settings.port ?? 0);
      pop3.attach({ kind: 'control', url: control.url, token: control.token, close: () => control.close() });
    }
    if (checked.smtp) {
      const { startSmtpIntake } = await import('../smtp/intake.js');
      const smtp = await startSmtpIntake(
        {
          userFor: (address) => pop3.userForAddress(address),
          passwordMatches: (user, password) => pop3.passwordMatches(user, password),
          // As GreenMail does: the user is the address, and so is its password.
          createUser: async (address) => (await pop3.addUser(address, address)).user,
          deliverAll: (copies) => pop3.deliverEach(copies),
        },
        {
          host: pop3.host,
          hostname: checked.hostname ?? 'localhost',
          clock: checked.clock ?? systemClock,
          // The mock's own certificate and versions, the same POP3's STLS and POP3S use.
          tls: pop3.tlsContextOptions(),
        },
        checked.smtp === true ? {} : checked.smtp,
      );
      pop3.attach({ kind: 'smtp', port: smtp.port, tlsPort: smtp.tlsPort, close: () => smtp.close() });
    }
    await pop3.listen();
  } catch (error) {
    await pop3.close();
    throw error;
  }
  return pop3;
}
