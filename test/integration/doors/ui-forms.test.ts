import { on, type Pop3Mock } from '../../../src';
import { fetchUi, startUiServer } from '../../ui/helpers';

// The browser view's remove buttons, over real HTTP: a post says "Rule
// removed." only when a rule went, as DELETE /api/faults/{id} answers 200
// only then.

let pop3: Pop3Mock;

beforeEach(async () => {
  pop3 = await startUiServer();
});

afterEach(async () => {
  await pop3.close();
});

const remove = (id: string) =>
  fetchUi(pop3, `/ui/faults/${encodeURIComponent(id)}/remove`, { method: 'POST' });
const api = (id: string) =>
  fetch(`${pop3.controlUrl}/api/faults/${encodeURIComponent(id)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${pop3.controlToken}` },
  });

test('removing a rule that is gone (another tab, a reset) is a 404 naming it, not "Rule removed."', async () => {
  const [added] = await pop3.use(on('RETR').reply('-ERR [SYS/TEMP] later'));
  const first = await remove(added!.id);
  expect(first.status).toBe(303);
  expect(first.headers.get('location')).toBe('/ui/faults?removed');
  const again = await remove(added!.id);
  expect(again.status).toBe(404);
  const page = await again.text();
  expect(page).toContain(`no fault rule ${added!.id}`);
  expect(page).not.toContain('Rule removed.');
  // The control API's answer to the same request.
  expect((await api(added!.id)).status).toBe(404);
});

test("an id no rule can have is a 400 in the schema's words, not an internal error on stderr", async () => {
  const kept = await pop3.use(on('RETR').reply('-ERR [SYS/TEMP] later'));
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  let res: Response;
  try {
    res = await remove('a b');
  } finally {
    spy.mockRestore();
  }
  expect(res.status).toBe(400);
  const page = await res.text();
  expect(page).toContain(
    'id: expected an id of 1 to 100 letters, digits, &quot;_&quot;, &quot;.&quot;, &quot;:&quot; or &quot;-&quot;, got &quot;a b&quot;',
  );
  expect(page).not.toContain('internal error');
  expect(written.join('')).not.toContain('internal error');
  expect((await api('a b')).status).toBe(400);
  expect(pop3.rules().map((s) => s.rule.id)).toEqual([kept[0]!.id]);
});

// The "Add a fault" form: a rule for a user the server does not hold is taken, as
// use() and POST /api/faults take it (the user may be added later); the view had a
// check of its own that refused it ("no user ..."), one verdict at one door only.
const addFault = (fields: Record<string, string>) =>
  fetchUi(pop3, '/ui/faults', {
    method: 'POST',
    body: new URLSearchParams({ verb: 'RETR', kind: 'err', reply: '-ERR [SYS/TEMP] later', ...fields }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

test('a rule for a user not (yet) held is taken, as use() and the control API take it', async () => {
  expect(pop3.users()).not.toContain('carol');
  const added = await addFault({ user: 'carol' });
  expect(added.status).toBe(303);
  const viaApi = await fetch(`${pop3.controlUrl}/api/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pop3.controlToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      rules: [
        {
          trigger: { point: 'command', verbs: ['RETR'] },
          action: { type: 'reply', lines: ['-ERR [SYS/TEMP] later'] },
          user: 'carol',
        },
      ],
    }),
  });
  expect(viaApi.status).toBe(201);
  const rules = pop3.rules().map((s) => s.rule.explain());
  expect(rules).toHaveLength(2);
  expect(rules[0]).toBe(rules[1]);
  expect(rules[0]).toContain('carol');
});

test("a user name no rule can have is a 400 in the rule schema's words, nothing added", async () => {
  const refused = await addFault({ user: 'a b' });
  expect(refused.status).toBe(400);
  const page = await refused.text();
  expect(page).toContain('rules[0].user: expected a user name');
  expect(pop3.rules()).toEqual([]);
});

// The view's live stream reads its query through the one door check, as the control API's
// queries are: a malformed number or an unknown key is a 400 naming it, not a stream from NaN.
test.each([
  ['session=abc', 'query.session: expected digits, got &quot;abc&quot;'],
  ['session=1&from=-1', 'query.from: expected digits, got &quot;-1&quot;'],
  ['session=1&resets=x', 'query.resets: expected digits, got &quot;x&quot;'],
  ['sesion=1', 'unknown key &quot;sesion&quot;; did you mean &quot;session&quot;?'],
])('GET /ui/events?%s is a 400 naming it', async (query, words) => {
  const answer = await fetchUi(pop3, `/ui/events?${query}`);
  expect(answer.status).toBe(400);
  expect(await answer.text()).toContain(words);
});
