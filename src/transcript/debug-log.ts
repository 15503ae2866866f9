import { escapeRegExp } from '../escape-regexp';
import type { Pop3Event } from '../vocabulary';
import type { EventHub } from './event-hub';
import { contextFor, eventLines, type LineContext } from './render';

/** Receives one printed line at a time, without a line end. */
export type Logger = (line: string) => void;

/** The namespace that `DEBUG` turns on, as with the `debug` package. */
export const DEBUG_NAMESPACE = 'pop3-mock';

/** Where the debug log listens: the server's event hub, or a `Pop3Mock` (it listens by event type too). */
export type DebugLogSource = Pick<EventHub, 'on'>;

/**
 * Prints every session live as it happens, one line per `C:`/`S:`/`--`/`!:`
 * line, prefixed with `pop3-mock #<session id>`. Secrets are always masked.
 * Returns a function that stops the printout.
 */
export function attachDebugLog(source: DebugLogSource, logger: Logger): () => void {
  const contexts = new Map<number, LineContext>();
  const print = (event: Pop3Event) => {
    const ctx = contextFor(contexts, event.sessionId);
    if (event.type === 'session-end') contexts.delete(event.sessionId);
    for (const line of eventLines(event, ctx)) logger(`${DEBUG_NAMESPACE} #${event.sessionId} ${line}`);
  };
  // Internal errors by name: the hub then knows the logger shows them and
  // does not write them to stderr as well (see EventHub).
  const offErrors = source.on('internal-error', print);
  const offOthers = source.on('*', (event) => {
    if (event.type !== 'internal-error') print(event);
  });
  return () => {
    offErrors();
    offOthers();
  };
}

/**
 * Whether a `DEBUG` value turns the printout on, with the `debug` package's
 * rules: a comma or space separated list, `*` as a wildcard, `-name` to exclude.
 * `pop3-mock`, `pop3-mock*`, `pop3*` and `*` all do.
 */
export function debugEnabled(value: string | undefined, namespace = DEBUG_NAMESPACE): boolean {
  if (!value) return false;
  let enabled = false;
  for (const item of value.split(/[\s,]+/).filter((i) => i !== '')) {
    const negated = item.startsWith('-');
    const glob = negated ? item.slice(1) : item;
    const regex = new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`);
    if (!regex.test(namespace)) continue;
    if (negated) return false;
    enabled = true;
  }
  return enabled;
}

/** A logger writing to stderr when `DEBUG` names `pop3-mock`; undefined otherwise. */
export function debugLoggerFromEnv(
  env: Record<string, string | undefined> = process.env,
): Logger | undefined {
  if (!debugEnabled(env.DEBUG)) return undefined;
  return (line) => {
    process.stderr.write(`${line}\n`);
  };
}
