// Forks a helper script and talks to it with request/answer messages.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A forked child speaking { id, op } / { id, result | error } over IPC.
 * `execArgv` defaults to none, so a parent run with --cpu-prof does not
 * profile its load generator too.
 */
export class Child {
  constructor(script, { execArgv = [], args = [] } = {}) {
    this.proc = fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.nextId = 1;
    this.pending = new Map();
    this.exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.on('message', (msg) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
    this.proc.once('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`${script} exited with ${code}`));
      this.pending.clear();
    });
  }

  /** Sends a request; rejects after `timeoutMs` (bounded: a stuck run fails instead of hanging). */
  call(op, args = {}, timeoutMs = 120_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${op} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ id, op, ...args });
    });
  }

  async stop() {
    if (this.proc.exitCode === null && this.proc.connected) this.proc.send({ op: 'exit' });
    const timer = setTimeout(() => this.proc.kill(), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * The child's side of {@link Child}: answers each `{ id, op }` with
 * `ops[op](msg)`'s result or its error; on `exit`, awaits `onExit` and lets
 * the IPC channel go, so the process ends.
 */
export function serveRequests(ops, onExit = async () => {}) {
  process.on('message', async (msg) => {
    if (msg.op === 'exit') {
      await onExit();
      process.disconnect();
      return;
    }
    try {
      process.send({ id: msg.id, result: await ops[msg.op](msg) });
    } catch (error) {
      process.send({ id: msg.id, error: String(error?.stack ?? error) });
    }
  });
}

export const LOAD_CLIENT = fileURLToPath(new URL('./load-client.mjs', import.meta.url));

export function loadClient() {
  return new Child(LOAD_CLIENT);
}
