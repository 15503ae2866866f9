import type { ServerResponse } from 'node:http';
import { FixtureError } from '../fixtures/types';
import { NotFoundError } from '../not-found-error';
import { InputError } from '../schema/input-error';
import { ServerClosedError } from '../server/server-closed-error';
import { UserLoggedInError } from '../server/user-logged-in-error';
import { WaitCancelledError, WaitTimeoutError } from '../transcript/waiting';
import { HttpError, sendJson } from './http-util';

/**
 * A thrown error as the control API's answer: refused input is a 400 that
 * names the path, a missing user, message or session a 404 naming it
 * (`missing`), a user replaced or removed while logged in a 409 naming the
 * user, the session and the call, a wait that ran out (or was cut short) a 408 with what it saw,
 * a change asked of a server that was closed a 410 (`closed: true`). Anything
 * else is a bug of pop3-mock: a 500, and the stack on stderr, never swallowed.
 */
export function answerError(res: ServerResponse, error: unknown): void {
  const { status, body } = describe(error);
  if (status === 500) process.stderr.write(`pop3-mock control API: internal error: ${stackOf(error)}\n`);
  if (!res.headersSent) sendJson(res, status, body);
  else res.destroy();
}

function describe(error: unknown): { status: number; body: Record<string, unknown> } {
  if (error instanceof InputError) {
    return { status: 400, body: { error: error.message, path: error.path, issues: error.issues } };
  }
  if (error instanceof HttpError) return { status: error.status, body: { error: error.message } };
  if (error instanceof FixtureError) {
    // `problem` marks a fixture error: the remote client throws a FixtureError again.
    const path = error.path === '' ? {} : { path: error.path };
    return { status: 400, body: { error: error.message, ...path, problem: error.problem } };
  }
  if (error instanceof UserLoggedInError) {
    const { message, user, sessionId, call } = error;
    return { status: 409, body: { error: message, user, sessionId, call } };
  }
  // A request that reached the control API while the server closed (it closes last): the remote client throws it again.
  if (error instanceof ServerClosedError)
    return { status: 410, body: { error: error.message, closed: true, call: error.call } };
  if (error instanceof NotFoundError)
    return { status: 404, body: { error: error.message, missing: error.missing } };
  if (error instanceof WaitTimeoutError) {
    // What the wait saw, and whether the server's close cut it short: the remote client throws the same error again.
    const cancelled = error instanceof WaitCancelledError ? { cancelled: true } : {};
    return { status: 408, body: { error: error.message, seen: error.seen, ...cancelled } };
  }
  return {
    status: 500,
    body: { error: `internal error: ${error instanceof Error ? error.message : String(error)}` },
  };
}

/** What stderr is told of an internal error: its stack, or what was thrown. */
export function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
