// The load generator: a child process (forked by the benchmarks) that drives
// POP3 sessions against a port it is given, and reports what it did and its
// own CPU use, so a saturated client is visible next to the server figures.
//
// Requests arrive over IPC as { id, op, ...args }; every answer is
// { id, result } or { id, error }.
import { createHash } from 'node:crypto';
import { isOk, Pop3Conn } from './pop3-conn.mjs';

const held = [];

const ops = {
  /**
   * Full sessions for `durationMs`: `concurrency` clients, each running the
   * `script` (greeting first) again and again on new connections, lock-step
   * (one command, wait, next) or pipelined (all commands in one write).
   * With `total`, the clients stop once that many sessions have begun
   * (`durationMs` may then be left out); with `scripts`, client i runs
   * `scripts[i % scripts.length]` instead of `script`.
   */
  async sessions({
    port,
    concurrency,
    pipelined,
    durationMs = Number.POSITIVE_INFINITY,
    total = Number.POSITIVE_INFINITY,
    script,
    scripts = [script],
  }) {
    const deadline = performance.now() + durationMs;
    const pipelinedText = new Map(scripts.map((s) => [s, s.map((c) => `${c.line}\r\n`).join('')]));
    let sessions = 0;
    let begun = 0;
    let errors = 0;
    const one = async (script) => {
      const conn = await Pop3Conn.open(port);
      try {
        if (!isOk(await conn.expect(false))) errors++;
        if (pipelined) {
          conn.write(pipelinedText.get(script));
          const replies = await Promise.all(script.map((s) => conn.expect(s.multi)));
          for (const r of replies) if (!isOk(r)) errors++;
        } else {
          for (const s of script) if (!isOk(await conn.command(s.line, s.multi))) errors++;
        }
        // The server closes after QUIT; a session counts once both sides are closed.
        await conn.closedPromise;
        sessions++;
      } catch {
        errors++;
        await conn.destroy();
      }
    };
    const worker = async (_, i) => {
      const script = scripts[i % scripts.length];
      while (performance.now() < deadline && begun < total) {
        begun++;
        await one(script);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { sessions, errors, elapsedMs: performance.now() - started };
  },

  /**
   * One session: the `login` commands, then `times` x `retr`, each timed from
   * the write to the last octet. With `sha256`, the first reply is hashed and
   * compared (a correctness check, done on warm-up runs only).
   */
  async retr({ port, login, retr, times, expectedBytes, sha256 }) {
    const conn = await Pop3Conn.open(port);
    try {
      await conn.expect(false);
      for (const line of login) {
        const reply = await conn.command(line);
        if (!isOk(reply)) throw new Error(`${line}: ${reply.toString().trim()}`);
      }
      const ms = [];
      let hashOk;
      for (let i = 0; i < times; i++) {
        const hash = sha256 && i === 0 ? createHash('sha256') : undefined;
        const bulk = conn.readBulk(hash);
        const t0 = performance.now();
        conn.write(`${retr}\r\n`);
        const bytes = await bulk;
        ms.push(performance.now() - t0);
        if (bytes !== expectedBytes) throw new Error(`${retr}: ${bytes} octets, expected ${expectedBytes}`);
        if (hash) hashOk = hash.digest('hex') === sha256;
      }
      await conn.command('QUIT');
      return { ms, hashOk };
    } finally {
      await conn.destroy();
    }
  },

  /**
   * `times` sessions one after another: connect, greeting, then the `script`
   * lock-step; the session time runs from the first command sent to the last
   * reply read (connect and greeting excluded). Per-command times too.
   */
  async listing({ port, script, times, quit }) {
    const sessionMs = [];
    const commandMs = script.map(() => []);
    const replyBytes = script.map(() => 0);
    for (let t = 0; t < times; t++) {
      const conn = await Pop3Conn.open(port);
      try {
        await conn.expect(false);
        const t0 = performance.now();
        let prev = t0;
        for (const [i, s] of script.entries()) {
          const reply = await conn.command(s.line, s.multi);
          if (!isOk(reply)) throw new Error(`${s.line}: ${reply.toString().trim()}`);
          const now = performance.now();
          commandMs[i].push(now - prev);
          replyBytes[i] = reply.length;
          prev = now;
        }
        sessionMs.push(prev - t0);
        if (quit) await conn.command('QUIT');
      } finally {
        await conn.destroy();
      }
    }
    return { sessionMs, commandMs, replyBytes };
  },

  /** Opens `n` sessions, logs each in with `login`, and keeps them open (idle). */
  async hold({ port, n, login, parallel = 50 }) {
    let next = 0;
    let errors = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const conn = await Pop3Conn.open(port);
        held.push(conn);
        try {
          await conn.expect(false);
          for (const line of login) if (!isOk(await conn.command(line))) errors++;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return { held: held.length, errors };
  },

  /** Closes every held session. */
  async release() {
    const conns = held.splice(0);
    await Promise.all(conns.map((c) => c.destroy()));
    return { released: conns.length };
  },
};

process.on('message', async (msg) => {
  if (msg.op === 'exit') {
    await ops.release();
    process.disconnect();
    return;
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const result = await ops[msg.op](msg);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    result.clientCpu = (cpu.user + cpu.system) / 1000 / wallMs;
    process.send({ id: msg.id, result });
  } catch (error) {
    process.send({ id: msg.id, error: String(error?.stack ?? error) });
  }
});
