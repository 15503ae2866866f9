import { execFile } from 'node:child_process';
import { startPop3Mock } from '../../../src';
import { pythonExecutable } from '../../helpers/clients/python-poplib';

// The race a suite in another language runs into: it starts a wait for the
// next session over HTTP on a thread, then connects at once, so the wait may
// reach the server after the session has begun. With `since` (the last id
// it knew) the wait still finds that session. Each round checks the session
// found is the client's own (its local port).

const ROUNDS = 100;

const PYTHON = `
import json, poplib, sys, threading, urllib.request, urllib.error
url, token, port, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def wait_next(since, out):
    request = urllib.request.Request(url + '/api/wait/next-session', method='POST',
        data=json.dumps({'since': since, 'timeoutMs': 5000}).encode(),
        headers={'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            out.append((response.status, json.load(response)))
    except urllib.error.HTTPError as error:
        out.append((error.code, json.load(error)))

last, found, lost = 0, 0, []
for i in range(rounds):
    out = []
    waiter = threading.Thread(target=wait_next, args=(last, out))
    waiter.start()                                  # the wait starts ...
    client = poplib.POP3('127.0.0.1', port, timeout=5)   # ... and the client connects at once
    mine = client.sock.getsockname()[1]
    client.user('alice'); client.pass_('pw'); client.quit()
    waiter.join()
    status, session = out[0]
    if status == 200 and session['remotePort'] == mine:
        found += 1
        last = session['id']
    else:
        lost.append({'round': i, 'status': status, 'answer': session})
        last += 1
print(json.dumps({'found': found, 'lost': lost[:3]}))
`;

test(`a Python thread starts the wait, then connects: the session is never lost, ${ROUNDS} of ${ROUNDS}`, async () => {
  const pop3 = await startPop3Mock({ control: true, users: { alice: 'pw' } });
  try {
    const python = await pythonExecutable();
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        python,
        ['-S', '-c', PYTHON, pop3.controlUrl!, pop3.controlToken!, String(pop3.port), String(ROUNDS)],
        { encoding: 'utf8', timeout: 50_000 },
        (error, out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(out)),
      );
    });
    expect(JSON.parse(stdout)).toEqual({ found: ROUNDS, lost: [] });
    expect(pop3.sessions).toHaveLength(ROUNDS);
  } finally {
    await pop3.close();
  }
}, 60_000);
