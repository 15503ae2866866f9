import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Dovecot 2.3 (Debian's `dovecot-pop3d`) for tests: a temporary
 * config, loopback POP3 on a free port, one passwd-file user with a Maildir
 * of the given messages, plaintext allowed, no failure delay, TLS and APOP
 * when asked. Runs as root (CI), with Dovecot's own `dovecot`/`dovenull`
 * users for its processes.
 */
export interface DovecotServer {
  readonly port: number;
  /** The POP3S (implicit TLS) port, when started with `tls`. */
  readonly tlsPort: number | undefined;
  /** The Maildir's message files (names and a hash of each), to show a session changed nothing. */
  mailboxFingerprint(): string;
  stop(): Promise<void>;
}

/** Whether the `dovecot` binary is installed. */
export function dovecotInstalled(): boolean {
  return spawnSync('dovecot', ['--version']).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves once a connection on `port` gets a greeting; rejects after `ms`. */
async function greeted(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+OK'));
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not greet on port ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether `pid` runs: a zombie (dead, not yet reaped by init, which here takes a second or two) does not. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const idOf = (name: string, flag: '-u' | '-g') => Number(execFileSync('id', [flag, name]).toString().trim());

/** What else the test Dovecot offers. */
export interface DovecotExtras {
  /** A key and certificate (PEM): STLS on the POP3 port and POP3S on `tlsPort`. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** The APOP mechanism: a timestamp in the greeting. */
  readonly apop?: boolean;
}

export async function startDovecot(
  user: string,
  password: string,
  messages: readonly string[],
  extras: DovecotExtras = {},
): Promise<DovecotServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-dovecot-'));
  chmodSync(dir, 0o755);
  const uid = idOf('dovecot', '-u');
  const gid = idOf('dovecot', '-g');
  const home = join(dir, 'mail', user);
  const maildir = join(home, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
  for (const [i, m] of messages.entries()) {
    writeFileSync(join(maildir, 'cur', `${1_700_000_000 + i}.M${i}P1.test:2,`), m);
  }
  for (const path of [
    join(dir, 'mail'),
    home,
    maildir,
    ...['cur', 'new', 'tmp'].map((s) => join(maildir, s)),
  ]) {
    chownSync(path, uid, gid);
  }
  for (const name of readdirSync(join(maildir, 'cur'))) chownSync(join(maildir, 'cur', name), uid, gid);
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}:${uid}:${gid}::${home}::\n`);
  const port = await freePort();
  let tlsPort = extras.tls ? await freePort() : undefined;
  // A port just closed may be handed out again: Dovecot refuses a duplicate listener.
  while (tlsPort === port) tlsPort = await freePort();
  if (extras.tls) {
    writeFileSync(join(dir, 'key.pem'), extras.tls.key, { mode: 0o600 });
    writeFileSync(join(dir, 'cert.pem'), extras.tls.cert);
  }
  const ssl = extras.tls ? `yes\nssl_cert = <${dir}/cert.pem\nssl_key = <${dir}/key.pem` : 'no';
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `protocols = pop3
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = pop3-mock-test-${process.pid}-${port}
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
ssl = ${ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login${extras.apop ? ' apop' : ''}
auth_failure_delay = 0
log_path = ${dir}/dovecot.log
mail_location = maildir:~/Maildir
first_valid_uid = 1
# auth_failure_delay = 0 still holds a failed login in the failure queue, flushed every 0.5 s.
# This passdb decides nothing (continue-fail: the next one does) and adds nodelay, which replies
# at once. Logins refused before any passdb (an empty user name) are still held.
passdb {
  driver = static
  args = nopassword=y nodelay=y
  result_success = continue-fail
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/users
}
userdb {
  driver = passwd-file
  args = ${dir}/users
}
service pop3-login {
  # One login process takes every connection (Dovecot's high-performance mode), where one was
  # forked for each and set up TLS anew: a capture over POP3S took 1.6 s, now 1.0.
  service_count = 0
  inet_listener pop3 {
    port = ${port}
  }
  inet_listener pop3s {
    port = ${tlsPort ?? 0}
  }
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
  # Auth cannot reach the penalty socket, so it disables the penalty (2^n s after each failed login).
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`,
  );
  // The daemon keeps no pipe of ours open, or execFileSync would wait for it.
  execFileSync('dovecot', ['-c', conf], { stdio: 'ignore' });
  const pidFile = join(dir, 'run', 'master.pid');
  await greeted(port, 15_000);
  return {
    port,
    tlsPort,
    mailboxFingerprint() {
      const hash = createHash('sha256');
      for (const sub of ['cur', 'new']) {
        for (const name of readdirSync(join(maildir, sub)).sort()) {
          hash.update(`${sub}/${name}\n`).update(readFileSync(join(maildir, sub, name)));
        }
      }
      return hash.digest('hex');
    },
    async stop() {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      // The master leads the process group of all Dovecot's processes (it daemonizes with setsid).
      // A SIGTERM makes it wait about 2 s for its children; nothing of this instance needs saving.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      const deadline = Date.now() + 10_000;
      while (running(pid)) {
        if (Date.now() > deadline) throw new Error(`dovecot ${pid} did not stop`);
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!process.env.KEEP_DOVECOT) rmSync(dir, { recursive: true, force: true });
    },
  };
}
