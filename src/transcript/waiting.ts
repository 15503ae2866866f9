import type { Clock } from '../clock';
import type { EventHub } from './event-hub';
import type { Pop3Event } from './events';

/** A wait that timed out; the message says what was seen instead. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

/**
 * Resolves with the first event matching `predicate`, or rejects after
 * `timeoutMs` with a report of the events seen meanwhile.
 */
export function waitForEvent(
  hub: EventHub,
  clock: Clock,
  what: string,
  predicate: (event: Pop3Event) => boolean,
  timeoutMs: number,
): Promise<Pop3Event> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const stop = hub.on('*', (event) => {
      if (predicate(event)) {
        stop();
        timer.cancel();
        resolve(event);
      } else if (seen.length < 20) {
        seen.push(describe(event));
      }
    });
    const timer = clock.setTimeout(() => {
      stop();
      const report = seen.length === 0 ? 'no events at all' : seen.join('\n  ');
      reject(new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}; saw:\n  ${report}`));
    }, timeoutMs);
  });
}

function describe(event: Pop3Event): string {
  switch (event.type) {
    case 'command':
      return `session ${event.sessionId} C: ${event.verb} (${event.state})`;
    case 'reply':
      return `session ${event.sessionId} S: ${event.status}`;
    case 'session-end':
      return `session ${event.sessionId} ended: ${event.reason}`;
    default:
      return `session ${event.sessionId} ${event.type}`;
  }
}
