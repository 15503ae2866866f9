// What the CommonJS build loads when first asked for (a dynamic import in the
// source), in a jest test file: jest runs a native import() only with
// --experimental-vm-modules, so the build must turn each into require().
// A build made with rollup (tsup's treeshake) kept them, and all four failed.

import * as net from 'node:net';
import type Pop3CommandType from 'node-pop3' with { 'resolution-mode': 'import' };
import { startPop3Mock } from 'pop3-mock';

const Pop3Command = require('node-pop3') as typeof Pop3CommandType;

test('the control API answers (control-server and the browser view are loaded on first use)', async () => {
  const pop3 = await startPop3Mock({ control: true });
  try {
    const response = await fetch(`${pop3.controlUrl}/api/status`, {
      headers: { authorization: `Bearer ${pop3.controlToken}` },
    });
    expect(response.status).toBe(200);
  } finally {
    await pop3.close();
  }
});

test('the SMTP intake listens (smtp-server is loaded on first use)', async () => {
  const pop3 = await startPop3Mock({ smtp: true });
  try {
    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(pop3.smtpPort!, pop3.host);
      socket.once('data', (data) => {
        resolve(data.toString('latin1'));
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(greeting).toMatch(/^220 /);
  } finally {
    await pop3.close();
  }
});

test('a message given as nodemailer fields is served (nodemailer is loaded on first use)', async () => {
  const pop3 = await startPop3Mock({
    users: { alice: { password: 'secret', messages: [{ subject: 'composed in jest', text: 'hello' }] } },
  });
  try {
    const client = new Pop3Command({ host: pop3.host, port: pop3.port, user: 'alice', password: 'secret' });
    expect(await client.RETR(1)).toMatch(/^Subject: composed in jest$/m);
    await client.QUIT();
  } finally {
    await pop3.close();
  }
});

test('a taken preferred port falls back to a free one (get-port is loaded on first use)', async () => {
  const blocker = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => blocker.once('listening', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  try {
    const pop3 = await startPop3Mock({ port: taken, portFallback: true });
    try {
      expect(pop3.port).not.toBe(taken);
    } finally {
      await pop3.close();
    }
  } finally {
    blocker.close();
  }
});
