import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Pop3Mock, startPop3Mock } from '../../src';
import { acceptRules } from '../../src/faults/accept-rules';
import type { BuiltRule } from '../../src/faults/builder';
import { faultAction, faultRule, faultTrigger } from '../../src/schema/fault-rule';
import { InputError } from '../../src/schema/input-error';
import { pythonExecutable } from '../helpers/clients/python-poplib';
import { builderMethods, evaluateBuilderCall, type StartForm } from './builder-call';

/*
 * Keeps "Rules as JSON" in docs/FAULTS.md true. Each builder call shown in a
 * ```ts block there (`on(...)...;` or `connection()...;`, one line, as biome
 * formats it) is followed by a `// {...}` line with its JSON; the call
 * is parsed and run through the real builder (builder-call.ts), and the JSON
 * must be what it builds and what the schema accepts. Every builder method,
 * every start form and every action type of the schema must be shown. The
 * verbs example, the Python snippet and the refused-rule exchange are run
 * against the schema and a live server.
 */

const DOC_PATH = join(__dirname, '..', '..', 'docs', 'FAULTS.md');
const doc = readFileSync(DOC_PATH, 'utf8');

/** The "Rules as JSON" section, up to the next `## ` heading. */
function section(): string {
  const start = doc.indexOf('\n## Rules as JSON\n');
  if (start < 0) throw new Error('docs/FAULTS.md has no "## Rules as JSON" section');
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** The bodies of the fenced blocks of one language, in order. */
function fenced(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
}

interface DocumentedPair {
  call: string;
  json: string;
}

const CALL = /^(on|connection)\(/;
const JSON_LINE = /^\/\/ (\{.*\})$/;

/** Every (call, JSON) pair: a call line in a ```ts block, and the `// {...}` line under it. */
function documentedPairs(): DocumentedPair[] {
  const pairs: DocumentedPair[] = [];
  for (const block of fenced(section(), 'ts')) {
    const lines = block.split('\n');
    lines.forEach((line, i) => {
      const json = JSON_LINE.exec(line);
      if (CALL.test(line)) {
        const next = JSON_LINE.exec(lines[i + 1] ?? '');
        if (!next) throw new Error(`documented call without its JSON on the next line: ${line}`);
        pairs.push({ call: line.replace(/;$/, ''), json: next[1]! });
      } else if (json && !CALL.test(lines[i - 1] ?? '')) {
        throw new Error(`documented JSON without a call on the line above: ${line}`);
      }
    });
  }
  return pairs;
}

function withoutId(rule: BuiltRule): Omit<BuiltRule, 'id' | 'explain'> {
  const { id: _id, ...rest } = rule;
  return rest;
}

const pairs = documentedPairs();

test('the section shows a good number of calls (the extraction found them)', () => {
  expect(pairs.length).toBeGreaterThanOrEqual(40);
  expect(new Set(pairs.map((p) => p.call)).size).toBe(pairs.length);
});

describe.each(pairs)('$call', ({ call, json }) => {
  const { rule } = evaluateBuilderCall(call);

  test('builds exactly the documented JSON (without id)', () => {
    expect(JSON.stringify(withoutId(rule))).toBe(json);
  });

  test('the documented JSON passes the schema and comes back as the built rule', () => {
    const [accepted, ...more] = acceptRules([JSON.parse(json)], { source: 'docs' });
    expect(more).toEqual([]);
    // toEqual: always() leaves `times: undefined` on the built rule, which JSON drops.
    expect(withoutId(accepted!)).toEqual(withoutId(rule));
    expect(accepted!.explain()).toBe(rule.explain());
  });
});

describe('nothing goes undocumented', () => {
  const evaluated = pairs.map((p) => ({ ...evaluateBuilderCall(p.call), json: JSON.parse(p.json) }));

  test('every FaultBuilder method is called in a documented pair', () => {
    const called = new Set(evaluated.flatMap((e) => e.methods));
    const missing = builderMethods().filter((name) => !called.has(name));
    expect(missing).toEqual([]);
  });

  test('every way to start a rule is shown', () => {
    const forms: StartForm[] = [
      'on(verb)',
      'on(verb, ...args)',
      'on([verbs])',
      'on([verbs], ...args)',
      'on(greeting)',
      'connection()',
    ];
    const shown = new Set(evaluated.map((e) => e.start));
    expect(forms.filter((f) => !shown.has(f))).toEqual([]);
  });

  test('every action type of the schema is in a documented pair and in the actions table', () => {
    const types = faultAction.unwrap().options.map((o) => o.shape.type.value);
    expect(types.length).toBeGreaterThanOrEqual(20);
    const inPairs = new Set(evaluated.map((e) => e.json.action.type));
    expect(types.filter((t) => !inPairs.has(t))).toEqual([]);
    const inTable = types.filter((t) => !section().includes(`\n| \`${t}\``));
    expect(inTable).toEqual([]);
  });

  test("every field of every action shows up in a documented pair's JSON", () => {
    const missing = faultAction.unwrap().options.flatMap((option) => {
      const type = option.shape.type.value;
      const shown = evaluated.filter((e) => e.json.action.type === type).map((e) => e.json.action);
      return Object.keys(option.shape)
        .filter((key) => !shown.some((action) => key in action))
        .map((key) => `${type}.${key}`);
    });
    expect(missing).toEqual([]);
  });

  test('every rule and trigger field is in a field table and in a documented pair', () => {
    const ruleFields = Object.keys(faultRule.unwrap().shape).filter((k) => k !== 'id');
    const triggerFields = faultTrigger
      .unwrap()
      .options.flatMap((o) => Object.keys(o.shape))
      .filter((k) => k !== 'point');
    const json = evaluated.map((e) => e.json);
    expect(ruleFields.filter((k) => !json.some((j) => k in j))).toEqual([]);
    expect(triggerFields.filter((k) => !json.some((j) => k in j.trigger))).toEqual([]);
    const tabled = [...ruleFields, 'id', ...triggerFields].filter((k) => !section().includes(`\n| \`${k}\``));
    expect(tabled).toEqual([]);
  });
});

test('the verbs example: lower-case verbs are stored upper-case', () => {
  const match = /```json\n(.*)\n```\n\nis stored as[^\n]*\n\n```json\n(.*)\n```/.exec(section());
  if (!match) throw new Error('no "```json ... is stored as ... ```json" example in the section');
  const [given, stored] = [JSON.parse(match[1]!), JSON.parse(match[2]!)];
  expect(given.trigger.verbs).toEqual(['retr']);
  const [accepted] = acceptRules([given], { source: 'docs' });
  expect(withoutId(accepted!)).toEqual(stored);
});

test('the misspelt-key example gets the documented suggestion', () => {
  const match = /`(unknown key "(\w+)"; did you mean "\w+"\?)`/.exec(section());
  if (!match) throw new Error('no `unknown key "..."; did you mean "..."?` example in the section');
  const rule = { trigger: { point: 'command', verbs: ['RETR'] }, [match[2]!]: 1, action: { type: 'hang' } };
  expect(() => acceptRules([rule], { source: 'docs' })).toThrow(match[1]);
});

describe('against a live server', () => {
  let pop3: Pop3Mock;

  beforeEach(async () => {
    pop3 = await startPop3Mock({ control: true });
  });

  afterEach(async () => {
    await pop3.close();
  });

  test('the refused rule of the in-process example: use() throws the documented InputError', async () => {
    const [block] = fenced(section(), 'ts').filter((b) => b.includes('await pop3.use('));
    const match = /^await pop3\.use\((.*)\);\n\/\/ (InputError: .*)$/m.exec(block ?? '');
    if (!match) throw new Error('no `await pop3.use(...)` example with its `// InputError: ...` line');
    const { rule } = evaluateBuilderCall(match[1]!);
    const error = await pop3.use(rule).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(`${(error as InputError).name}: ${(error as InputError).message}`).toBe(match[2]);
    const path = /`error\.path` is `([^`]+)`/.exec(section());
    expect((error as InputError).path).toBe(path?.[1]);
    expect(pop3.rules()).toEqual([]);
  });

  test('the refused rule over HTTP: the documented request gets the documented answer', async () => {
    const [request, response] = fenced(section(), 'http');
    if (!request || !response) throw new Error('expected an ```http request block, then its answer');
    const [requestHead, requestBody] = request.split('\n\n');
    const [method, path] = requestHead!.split('\n')[0]!.split(' ');
    const res = await fetch(`${pop3.controlUrl}${path}`, {
      method: method!,
      headers: { authorization: `Bearer ${pop3.controlToken}`, 'content-type': 'application/json' },
      body: requestBody!,
    });
    const [responseHead, responseBody] = response.split('\n\n');
    const [statusLine, ...headers] = responseHead!.split('\n');
    expect(`HTTP/1.1 ${res.status} ${res.statusText}`).toBe(statusLine);
    for (const header of headers) {
      const [name, value] = header.split(': ');
      expect(res.headers.get(name!)).toBe(value);
    }
    expect(await res.json()).toEqual(JSON.parse(responseBody!));
    expect(pop3.rules()).toEqual([]);
  });

  test('the Python snippet posts its rule, stored with its verb upper-cased', async () => {
    const [snippet] = fenced(section(), 'python');
    if (!snippet) throw new Error('no ```python block in the section');
    const python = await pythonExecutable();
    const script = [
      'import sys',
      'control_url, token = sys.argv[1], sys.argv[2]',
      snippet,
      'print(json.dumps({"status": status, "added": added}))',
    ].join('\n');
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        python,
        ['-S', '-c', script, pop3.controlUrl!, pop3.controlToken!],
        { encoding: 'utf8', timeout: 10_000 },
        (error, out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(out)),
      ),
    );
    const { status, added } = JSON.parse(stdout) as { status: number; added: { id: string }[] };
    expect(status).toBe(201);
    expect(added).toHaveLength(1);
    const [stored] = pop3.rules();
    expect(stored?.rule.id).toBe(added[0]!.id);
    expect(withoutId(stored!.rule)).toEqual({
      trigger: { point: 'command', verbs: ['RETR'] },
      nth: 2,
      action: { type: 'reply', lines: ['-ERR [SYS/TEMP] try later'] },
    });
  });
});
