import { BUG_VERBS } from '../schema/fault-rule';
import { type BuiltRule, withExplain } from './builder';
import { seededRandom } from './random';
import type { FaultRule } from './rule';
import { RuleIndex } from './rule-index';

/** What a rule is matched against. */
export type FaultPoint =
  | { readonly point: 'connect'; readonly sessionId: number; readonly connection: number }
  | {
      readonly point: 'command';
      readonly sessionId: number;
      readonly connection: number;
      readonly verb: string;
      readonly args: readonly string[];
      readonly state: string;
      readonly user: string | undefined;
      /** STLS that would be accepted now (see `CommandFacts.startsTls`). */
      readonly startsTls: boolean;
    };

/** A rule with how often it fired. */
export interface RuleStatus {
  readonly rule: BuiltRule;
  readonly hits: number;
  /** Where it came from: the `faults` option, or `use()` at run time (removed by `reset()`). */
  readonly source: 'options' | 'runtime';
}

interface Entry {
  rule: BuiltRule;
  source: 'options' | 'runtime';
  hits: number;
  /** Occurrences seen: across the server, and per session. */
  seen: number;
  seenBySession: Map<number, number>;
  /** How many times reset() restarted the counts: a firing is taken back only within one (takeBack). */
  resets: number;
  /** Aborted when the rule goes (removeRule, or reset() for a use() rule): what it holds is let go. */
  release?: AbortController;
}

/**
 * Holds the fault rules of a server and decides, at each hook point, which
 * one fires. Run-time rules are checked before option rules, the newest
 * `use()` first and one call's rules in their order (as msw's `use()`), and
 * the first one that fires wins.
 */
export class FaultEngine {
  private entriesNow: Entry[] = [];
  /** Made from the entries on the first match after they change. */
  private index: RuleIndex<Entry> | undefined;
  private readonly random: () => number;
  /** Connections made before the last reset(): a rule's `connection` counts from there (the nth of a test). */
  private connectionsBefore = 0;

  constructor(rules: readonly FaultRule[], seed: number) {
    this.random = seededRandom(seed);
    this.add(rules, 'options');
  }

  /** The server's seeded generator, also used for random delays and garbage. */
  get rng(): () => number {
    return this.random;
  }

  private get entries(): Entry[] {
    return this.entriesNow;
  }

  private set entries(entries: Entry[]) {
    this.entriesNow = entries;
    this.index = undefined;
  }

  /**
   * Adds one `use()` call's rules (or a `faults` list or file) before those
   * already held, in the order given: as msw's `use(a, b)`, `a` is checked
   * before `b`, and both before older rules.
   */
  add(rules: readonly FaultRule[], source: 'options' | 'runtime'): void {
    const added = rules.map((rule) => ({
      rule: withExplain(rule),
      source,
      hits: 0,
      seen: 0,
      seenBySession: new Map(),
      resets: 0,
    }));
    this.entries = [...added, ...this.entries];
  }

  /**
   * Removes run-time rules and restarts the counts of the others, the
   * connection count too: `connections` were made before the reset.
   */
  reset(connections: number): void {
    this.connectionsBefore = connections;
    for (const e of this.entries) if (e.source === 'runtime') e.release?.abort();
    this.entries = this.entries.filter((e) => e.source === 'options');
    for (const e of this.entries) {
      e.hits = 0;
      e.seen = 0;
      e.seenBySession.clear();
      e.resets++;
    }
  }

  /** A session ended: its per-session counts go (a long run would keep one per session and rule). */
  endSession(sessionId: number): void {
    for (const e of this.entries) e.seenBySession.delete(sessionId);
  }

  /** Whether a stored rule has this id. */
  has(id: string): boolean {
    return this.entries.some((e) => e.rule.id === id);
  }

  remove(id: string): boolean {
    const before = this.entries.length;
    for (const e of this.entries) if (e.rule.id === id) e.release?.abort();
    this.entries = this.entries.filter((e) => e.rule.id !== id);
    return this.entries.length < before;
  }

  /** A signal that aborts when `rule` is removed (at once if it is gone): a wait it causes ends then. */
  released(rule: BuiltRule): AbortSignal {
    const entry = this.entries.find((e) => e.rule === rule);
    if (entry === undefined) return AbortSignal.abort();
    entry.release ??= new AbortController();
    return entry.release.signal;
  }

  /**
   * For a firing of `rule` that {@link match} has just counted: a function
   * that takes it back, once, if the rule turns out to change nothing (a bug
   * mode on a reply it does not bend, a stall past the reply's end), so
   * `once()` waits for a reply it really changes. After a `reset()` restarted
   * the counts it does nothing: the hit it would take is another's.
   */
  takeBack(rule: BuiltRule): () => void {
    const entry = this.entries.find((e) => e.rule === rule);
    const resets = entry?.resets;
    let done = false;
    return () => {
      if (done || entry === undefined || entry.resets !== resets || entry.hits === 0) return;
      done = true;
      entry.hits--;
    };
  }

  /**
   * Counts a firing of `rule` that no {@link match} made: a connection a rule
   * shapes still after `reset()` (an option rule's throttle or fragmentation
   * on a live session) fires again in the counts that restarted there.
   */
  countLasting(rule: BuiltRule): void {
    const entry = this.entries.find((e) => e.rule === rule);
    if (entry) entry.hits++;
  }

  /** Whether `rule` (as {@link match} gave it) is still stored: not removed by `reset()` or `removeRule()`. */
  holds(rule: BuiltRule): boolean {
    return this.entries.some((e) => e.rule === rule);
  }

  status(): RuleStatus[] {
    return this.entries.map((e) => ({ rule: e.rule, hits: e.hits, source: e.source }));
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** Whether a rule could match a command with this verb (upper-case); false makes {@link match} pass it over. */
  mayMatch(verb: string): boolean {
    return this.entries.length > 0 && this.indexed().onCommand(verb).length > 0;
  }

  /** The rules by the verbs they name, made again after the rules change. */
  private indexed(): RuleIndex<Entry> {
    this.index ??= new RuleIndex(this.entries);
    return this.index;
  }

  /** The rule that fires at this point, if any; counts occurrences of every rule that matches. */
  match(at: FaultPoint): BuiltRule | undefined {
    const index = this.indexed();
    const candidates = at.point === 'connect' ? index.onConnect : index.onCommand(at.verb);
    let fired: Entry | undefined;
    const connection = at.connection - this.connectionsBefore;
    for (const entry of candidates) {
      if (!matches(entry.rule, at, connection)) continue;
      entry.seen++;
      const rule = entry.rule;
      // Counted per session only where a rule asks for it; endSession() forgets the count.
      let inSession = 0;
      if (rule.per === 'session') {
        inSession = (entry.seenBySession.get(at.sessionId) ?? 0) + 1;
        entry.seenBySession.set(at.sessionId, inSession);
      }
      if (fired) continue;
      const occurrence = rule.per === 'session' ? inSession : entry.seen;
      if (rule.nth !== undefined && occurrence !== rule.nth) continue;
      if (rule.times !== undefined && entry.hits >= rule.times) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      entry.hits++;
      fired = entry;
    }
    return fired?.rule;
  }
}

/** `connection`: the point's connection counted from the last reset(). */
function matches(rule: FaultRule, at: FaultPoint, connection: number): boolean {
  if (rule.connection !== undefined && rule.connection !== connection) return false;
  const t = rule.trigger;
  if (t.point !== at.point) return false;
  if (at.point === 'connect' || t.point === 'connect') return rule.user === undefined;
  if (rule.user !== undefined && rule.user !== at.user) return false;
  // A failed handshake only exists where STLS would start one: elsewhere the
  // rule does not match, so it is neither counted nor fired (the normal -ERR goes out).
  if (rule.action.type === 'stls-handshake-failure' && !at.startsTls) return false;
  // A bug mode only bends some verbs' replies: on another it does not match, so a rule
  // on '*' is not counted (nor used up) by a command it cannot change.
  const bent = BUG_VERBS[rule.action.type];
  if (bent !== undefined && !bent.includes(at.verb)) return false;
  // The verb is not checked here: match() is given only the rules on this verb or on * (RuleIndex).
  if (t.state !== undefined && t.state !== at.state) return false;
  if (t.args !== undefined) {
    if (t.args.length !== at.args.length) return false;
    if (!t.args.every((a, i) => a === '*' || a === at.args[i])) return false;
  }
  return true;
}
