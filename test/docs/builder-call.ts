import { type BuiltRule, connection, FaultBuilder, on } from '../../src/faults/builder';

/*
 * A small interpreter for the builder calls docs/FAULTS.md shows, such as
 * `on(['LIST', 'UIDL']).nth(2).perSession().delay({ uniform: [100, 300] })`:
 * a start (`on(...)` or `connection()`), then builder methods, each with
 * literal arguments (strings in single quotes, numbers, arrays, objects).
 * It runs the real builder, so the doc cannot show a call that does not work.
 */

/** TypeScript-private helpers of FaultBuilder: on the prototype at run time, not callable by users. */
const PRIVATE_METHODS: ReadonlySet<string> = new Set(['with', 'action']);

/** The public methods of FaultBuilder, read from its prototype. */
export function builderMethods(): string[] {
  return Object.getOwnPropertyNames(FaultBuilder.prototype).filter(
    (name) => name !== 'constructor' && !PRIVATE_METHODS.has(name),
  );
}

/** How a documented call starts, so a test can ask that every form is shown. */
export type StartForm =
  | 'on(verb)'
  | 'on(verb, ...args)'
  | 'on([verbs])'
  | 'on([verbs], ...args)'
  | 'on(greeting)'
  | 'connection()';

export interface EvaluatedCall {
  rule: BuiltRule;
  start: StartForm;
  /** The builder methods called, in order. */
  methods: string[];
}

type Value = string | number | boolean | Value[] | { [key: string]: Value };

/** Evaluates one documented builder call; throws on anything outside the small grammar. */
export function evaluateBuilderCall(source: string): EvaluatedCall {
  const parser = new Parser(source);
  const startName = parser.identifier();
  const startArgs = parser.argumentList();
  let current: FaultBuilder | BuiltRule;
  let start: StartForm;
  if (startName === 'connection') {
    if (startArgs.length > 0) throw new Error(`connection() takes no arguments: ${source}`);
    current = connection();
    start = 'connection()';
  } else if (startName === 'on') {
    const [verb, ...args] = startArgs;
    const isList = Array.isArray(verb) && verb.every((v) => typeof v === 'string');
    if (!(typeof verb === 'string' || isList) || !args.every((a) => typeof a === 'string'))
      throw new Error(`on() takes a verb or a list of verbs, then string arguments: ${source}`);
    current = on(verb as string | string[], ...(args as string[]));
    if (verb === 'greeting' || verb === 'connect') start = 'on(greeting)';
    else if (isList) start = args.length > 0 ? 'on([verbs], ...args)' : 'on([verbs])';
    else start = args.length > 0 ? 'on(verb, ...args)' : 'on(verb)';
  } else {
    throw new Error(`a documented call starts with on(...) or connection(): ${source}`);
  }

  const known = builderMethods();
  const methods: string[] = [];
  while (!parser.done()) {
    parser.expect('.');
    const name = parser.identifier();
    const args = parser.argumentList();
    if (!(current instanceof FaultBuilder)) throw new Error(`.${name}() after the action: ${source}`);
    if (!known.includes(name)) throw new Error(`FaultBuilder has no method ${name}(): ${source}`);
    const method = Reflect.get(current, name) as (...a: Value[]) => FaultBuilder | BuiltRule;
    current = method.apply(current, args);
    methods.push(name);
  }
  if (current instanceof FaultBuilder) throw new Error(`the call ends without an action: ${source}`);
  return { rule: current, start, methods };
}

/** A recursive-descent parser over JavaScript literals, enough for the doc's calls. */
class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    this.skipSpace();
    return this.at >= this.text.length;
  }

  expect(token: string): void {
    this.skipSpace();
    if (!this.text.startsWith(token, this.at)) this.fail(`expected "${token}"`);
    this.at += token.length;
  }

  identifier(): string {
    this.skipSpace();
    const match = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.at));
    if (!match) this.fail('expected a name');
    this.at += match[0].length;
    return match[0];
  }

  argumentList(): Value[] {
    this.expect('(');
    return this.list(')');
  }

  private list(close: string): Value[] {
    const values: Value[] = [];
    this.skipSpace();
    if (this.text.startsWith(close, this.at)) {
      this.at += close.length;
      return values;
    }
    for (;;) {
      values.push(this.value());
      this.skipSpace();
      if (this.text.startsWith(close, this.at)) {
        this.at += close.length;
        return values;
      }
      this.expect(',');
    }
  }

  private value(): Value {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === "'") return this.string();
    if (c === '[') {
      this.at++;
      return this.list(']');
    }
    if (c === '{') return this.object();
    const number = /^-?\d+(\.\d+)?/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return Number(number[0]);
    }
    if (this.text.startsWith('true', this.at) || this.text.startsWith('false', this.at)) {
      const word = this.identifier();
      return word === 'true';
    }
    return this.fail('expected a string, number, array or object');
  }

  private string(): string {
    this.at++; // the opening quote
    let out = '';
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) this.fail('unterminated string');
      if (c === "'") return out;
      if (c === '\\') {
        const next = this.text[this.at++];
        if (next === undefined) this.fail('unterminated string');
        out += next;
      } else out += c;
    }
  }

  private object(): { [key: string]: Value } {
    this.expect('{');
    const out: { [key: string]: Value } = {};
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const key = this.text[this.at] === "'" ? this.string() : this.identifier();
      this.expect(':');
      out[key] = this.value();
      this.skipSpace();
      if (this.text[this.at] === '}') {
        this.at++;
        return out;
      }
      this.expect(',');
    }
  }

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  private fail(what: string): never {
    throw new Error(`${what} at column ${this.at + 1} of: ${this.text}`);
  }
}
