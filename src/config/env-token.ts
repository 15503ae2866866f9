import { checkInput } from '../schema/check';
import { controlToken } from '../schema/options';

/**
 * The control token a parent process chose with `POP3_MOCK_TOKEN` (unset or
 * empty: none, a random one is made). Checked here, by the option's schema,
 * so that a bad one is named as the variable it came from, not as
 * `control.token`, an option the user never wrote.
 *
 * @throws InputError `environment: POP3_MOCK_TOKEN: expected ...` (the value is not shown).
 */
export function tokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = env.POP3_MOCK_TOKEN || undefined;
  if (token === undefined) return undefined;
  // `at` puts the name in the path: a path ending in "token" keeps the value out of the message.
  return checkInput(controlToken, token, { source: 'environment', at: 'POP3_MOCK_TOKEN' });
}
