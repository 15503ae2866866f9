import * as z from 'zod';
import { made } from './made';
import { int, numberIn, ruleId, sessionState, userName } from './primitives';

/*
 * Fault rules as data: the one definition behind the rule types, the check
 * at every door (use(), the faults option and file, the config file, the
 * control API, the browser view) and the JSON Schema in the OpenAPI document.
 * Each is made the first time it is used (`z.lazy`): loading the package,
 * what every test file pays, builds none of them (bench/README.md, 3 Dec
 * 2026, third session).
 */

/** The longest delay a rule may ask for: an hour. */
export const MAX_DELAY_MS = 3_600_000;

const ms = numberIn(0, MAX_DELAY_MS);

/** A delay: fixed milliseconds, uniform between two bounds, or lognormal around a median. */
export const delaySpec = z.lazy(() =>
  z
    .union(
      [
        ms,
        z.strictObject({
          uniform: z
            .tuple([ms, ms])
            .refine(([min, max]) => min <= max, { error: 'expected [min, max] with min <= max' })
            .readonly(),
        }),
        z.strictObject({
          lognormal: z.strictObject({ median: numberIn(0, MAX_DELAY_MS), sigma: numberIn(0, 10) }),
        }),
      ],
      {
        error:
          'expected milliseconds (a number from 0 to 3600000), { "uniform": [min, max] } or { "lognormal": { "median", "sigma" } }',
      },
    )
    .meta({ description: 'Milliseconds, `{ uniform: [min, max] }` or `{ lognormal: { median, sigma } }`.' }),
);

/** A verb as given: any case, upper-cased at the door (the wire is case-insensitive, RFC 1939 §3). */
const verb = z
  .string()
  .regex(/^(\*|[A-Za-z][A-Za-z0-9-]{0,39})$/, { error: 'expected a command verb such as "RETR", or "*"' })
  // overwrite, not transform: the type stays a string, so answers that hold rules keep a JSON Schema.
  .overwrite((v) => v.toUpperCase())
  // on(['greeting']) or "verbs": ["connect"] meant the connection: as a verb it waits for a line no client sends.
  .refine((v) => v !== 'GREETING' && v !== 'CONNECT', {
    error: 'expected a command verb: the greeting is no command, write the trigger {"point": "connect"}',
  });

export const faultTrigger = z.lazy(() =>
  z
    .discriminatedUnion('point', [
      z.strictObject({ point: z.literal('connect') }).meta({
        description: 'A new connection, before the greeting (and, for throttling, the whole connection).',
      }),
      z
        .strictObject({
          point: z.literal('command'),
          verbs: z
            .array(verb)
            .min(1, { error: 'expected at least one verb, e.g. ["RETR"] or ["*"]' })
            .readonly(),
          // A command's arguments are its line split at spaces: one with a space (or none at all) matches no command.
          args: z
            .array(
              z.string().max(255).regex(/^\S+$/, {
                error:
                  'expected an argument: not empty, no spaces (a command line is split at spaces: give each part as its own argument)',
              }),
            )
            .readonly()
            .optional(),
          // No command is read in UPDATE (QUIT moves the session there, and it ends): a rule there never fires.
          state: sessionState
            .exclude(['UPDATE'], {
              error:
                'expected "AUTHORIZATION" or "TRANSACTION": no command is read in UPDATE, which QUIT ends the session in',
            })
            .optional(),
        })
        .meta({
          description:
            'A command line as it arrives, before it runs. `verbs`: any case, `"*"` for any; `args`: exact, `"*"` for any one; `state`: only in that state.',
        }),
    ])
    .meta({ description: 'Where a rule hooks in.' }),
);

const lines = z
  .array(
    z
      .string()
      .regex(/^[^\r\n]*$/, { error: 'expected a line without CR or LF' })
      .max(998),
  )
  .min(1, { error: 'expected at least one line, e.g. ["-ERR [SYS/TEMP] try later"]' })
  .readonly();

const action = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) =>
  z.strictObject({ type: z.literal(type), ...shape }).meta({ description });

export const faultAction = z.lazy(() =>
  z
    .discriminatedUnion('type', [
      action(
        'reply',
        {
          lines: lines.refine((given) => /^(\+OK|-ERR)( |$)/.test(given[0] ?? ''), {
            error: 'expected the first line to start with "+OK" or "-ERR" (a status line, RFC 1939 §3)',
            when: (payload) => payload.issues.length === 0,
          }),
          after: z.enum(['close', 'reset']).optional(),
        },
        'Answer with these lines instead of running the command (first line `+OK…`/`-ERR…`; more lines make a multi-line reply). Optionally close afterwards (`after`).',
      ),
      action('delay', { delay: delaySpec }, 'Wait, then go on as usual.'),
      action(
        'hang',
        {},
        'Never answer; no timer is involved. `reset()` or removing the rule releases it, `close()` ends it.',
      ),
      action('close', {}, 'Close at once with FIN.'),
      action('reset', {}, 'Close at once with RST.'),
      action('close-after-bytes', { bytes: int(0) }, 'Send the first N octets of the reply, then FIN.'),
      action(
        'reset-after-bytes',
        { bytes: int(0) },
        'Send the first N octets, let the client read them, then RST.',
      ),
      action(
        'garbage',
        { bytes: int(1, 1_048_576) },
        'Send N octets of junk instead of the reply, then FIN.',
      ),
      action(
        'throttle',
        { bytesPerSecond: int(1) },
        'Send at most this many octets per second (a whole connection for connection rules).',
      ),
      action(
        'fragment',
        { mode: z.enum(['bytes', 'split-crlf']) },
        'One octet per write, or every CRLF split between two writes.',
      ),
      action('stall', { afterBytes: int(0) }, 'Send N octets of the reply, then stop without closing.'),
      action('no-terminator', {}, 'A multi-line reply without its terminating `.` line.'),
      action('stls-handshake-failure', {}, 'STLS: `+OK`, then no TLS handshake: junk and a close.'),
      action(
        'inject-after-reply',
        { lines },
        'Extra lines in the same write right after the real reply (STLS response injection).',
      ),
      action(
        'size-skew',
        // A skew of 0 changes no size: the rule would never fire.
        {
          octets: int(-1_000_000, 1_000_000).refine((n) => n !== 0, {
            error: 'expected octets other than 0',
          }),
        },
        'LIST/STAT sizes off by this many octets per message; RETR still sends the real bytes.',
      ),
      action('no-dot-stuffing', {}, 'RETR/TOP without dot-stuffing: a lone `.` line ends the reply early.'),
      action('bare-lf', {}, 'RETR/TOP with bare LF line ends, so the terminator arrives as `\\n.\\r\\n`.'),
      action(
        'uidl',
        { mode: z.enum(['duplicate', 'changing', 'space', 'too-long']) },
        'UIDL bugs: two messages sharing a uid, uids that change per session, a space, or over 70 characters.',
      ),
      action(
        'top-ignores-count',
        { sends: z.enum(['all', 'headers']) },
        'TOP sends the whole message, or only the headers, whatever the line count.',
      ),
      action(
        'renumber-after-dele',
        {},
        'LIST/UIDL renumber live messages 1..k after DELE, and `LIST n` ignores deletion marks (wildduck).',
      ),
    ])
    .meta({ description: 'What happens when a rule fires.' }),
);

type ActionType = z.output<typeof faultAction>['type'];

/**
 * The commands whose replies each bug mode bends: the verb, and how many
 * arguments the command has when its reply is one the mode changes (`LIST`
 * with none is a listing, `LIST 1` one line). A rule whose `args` give
 * another count could never fire.
 */
const BUG_COMMANDS: Partial<Record<ActionType, Readonly<Record<string, readonly number[]>>>> = {
  'size-skew': { LIST: [0, 1], STAT: [0] },
  'no-dot-stuffing': { RETR: [1], TOP: [2] },
  'bare-lf': { RETR: [1], TOP: [2] },
  uidl: { UIDL: [0, 1] },
  'top-ignores-count': { TOP: [2] },
  'renumber-after-dele': { LIST: [0, 1], UIDL: [0, 1] },
  'stls-handshake-failure': { STLS: [0] },
  'no-terminator': { RETR: [1], TOP: [2], LIST: [0], UIDL: [0], CAPA: [0] },
};

/** The verbs whose replies a bug mode bends; on other verbs the rule does not match (it would change nothing). */
export const BUG_VERBS: Partial<Record<ActionType, readonly string[]>> = Object.fromEntries(
  Object.entries(BUG_COMMANDS).map(([type, commands]) => [type, Object.keys(commands)]),
);

/** The verbs a bug-mode rule can bend: those of its `verbs` the mode bends, every one on `"*"`; undefined for other actions. */
export function bentVerbsOf(type: ActionType, verbs: readonly string[]): readonly string[] | undefined {
  const bent = BUG_VERBS[type];
  return verbs.includes('*') ? bent : bent?.filter((v) => verbs.includes(v));
}

/** How many arguments `verb` has when `action` bends its reply (`uidlBug('duplicate')` bends only the listing). */
function bentArgCounts(action: z.output<typeof faultAction>, verb: string): readonly number[] {
  if (action.type === 'uidl' && action.mode === 'duplicate') return [0];
  return BUG_COMMANDS[action.type]?.[verb] ?? [];
}

/** A chance of 0 would never fire: a test would believe it set a fault that never comes. */
const PROBABILITY = 'expected a number above 0 and at most 1 (a chance of 0 never fires: leave the rule out)';
const probability = z
  .number({ error: PROBABILITY })
  .gt(0, { error: PROBABILITY })
  .max(1, { error: PROBABILITY });

/** The verbs of BUG_VERBS a server answers only after login; before it, they get -ERR. */
export const TRANSACTION_ONLY: ReadonlySet<string> = new Set(['LIST', 'STAT', 'RETR', 'TOP', 'UIDL']);

/** The rule's fields, before the checks across fields (answers extend it with the stored `id`). */
export const faultRuleFields = z.lazy(() =>
  z.strictObject({
    id: ruleId.optional().meta({ description: 'Given at the door when left out.' }),
    trigger: faultTrigger,
    user: userName.optional().meta({
      description:
        'Only for sessions of this user (the logged-in user; before login, the name USER or APOP gives, on its own line too; none on AUTH).',
    }),
    connection: int(1).optional().meta({
      description:
        'Only on the nth connection to the server (1-based), counted from its start or the last reset().',
    }),
    nth: int(1).optional().meta({ description: 'Fire only on the nth matching occurrence (1-based).' }),
    per: z
      .enum(['server', 'session'])
      .optional()
      .meta({ description: 'Where `nth` counts occurrences. Default `server`.' }),
    times: int(1).optional().meta({ description: 'At most this many times; absent: every time.' }),
    probability: probability.optional().meta({
      description: "Chance of firing at each eligible occurrence, from the server's seeded generator.",
    }),
    action: faultAction,
  }),
);

export const faultRule = z.lazy(() =>
  made(faultRuleFields)
    .superRefine((rule, ctx) => {
      const fail = (path: PropertyKey[], message: string) =>
        ctx.addIssue({ code: 'custom', path, message, input: undefined });
      if (rule.per !== undefined && rule.nth === undefined)
        fail(['per'], 'expected "per" only together with "nth"');
      const type = rule.action.type;
      if (rule.trigger.point === 'connect') {
        // A session has one connect: counted per session, its 2nd never comes.
        if (rule.per === 'session' && rule.nth !== undefined && rule.nth > 1)
          fail(
            ['nth'],
            `expected nth 1 with "per": "session" on a connection rule: a session connects once, so its connect number ${rule.nth} never comes`,
          );
        if (rule.user !== undefined)
          fail(['user'], 'expected no "user" on a connection rule: no user is known before the greeting');
        if (BUG_VERBS[type])
          fail(
            ['action', 'type'],
            `expected an action for a connection; "${type}" applies to commands (${BUG_VERBS[type]!.join(', ')})`,
          );
        return;
      }
      const state = rule.trigger.state;
      if (type === 'stls-handshake-failure' && state !== undefined && state !== 'AUTHORIZATION')
        fail(
          ['trigger', 'state'],
          `expected "AUTHORIZATION" or no state: STLS starts TLS only in AUTHORIZATION (RFC 2595 §4), the rule names ${state}`,
        );
      const verbs = rule.trigger.verbs;
      const aimed = bentVerbsOf(type, verbs);
      if (aimed?.length === 0) {
        fail(
          ['action', 'type'],
          `expected a verb it applies to: "${type}" changes only ${BUG_VERBS[type]!.join(', ')}, the rule names ${verbs.join(', ')}`,
        );
        return;
      }
      // Before login these verbs get -ERR, which no bug mode changes: the rule would never fire.
      if (state === 'AUTHORIZATION' && aimed && aimed.every((v) => TRANSACTION_ONLY.has(v)))
        fail(
          ['trigger', 'state'],
          `expected "TRANSACTION" or no state: "${type}" bends only ${aimed.join(', ')} here, answered only in TRANSACTION (RFC 1939 §5), so the rule could never fire in AUTHORIZATION`,
        );
      // A command matches only with as many arguments as `args` gives: LIST 1's one line has no terminator to leave out.
      const given = rule.trigger.args?.length;
      if (aimed && given !== undefined && !aimed.some((v) => bentArgCounts(rule.action, v).includes(given))) {
        const bends = aimed.map((v) => `${v} with ${bentArgCounts(rule.action, v).join(' or ')}`).join(', ');
        fail(
          ['trigger', 'args'],
          `expected as many arguments as a command it bends has: "${type}" bends ${bends} argument(s) here, and the rule matches only commands with ${given}, so it could never fire`,
        );
      }
    })
    .meta({
      description:
        'A fault rule: when it fires, how often, and what it does. Plain data: it crosses JSON and the control channel.',
    }),
);

/** A list of rules, all or nothing; ids unique, since `removeRule(id)` must name one rule. */
export const faultRules = z.lazy(() =>
  z
    .array(faultRule)
    .max(1000)
    .superRefine((rules, ctx) => {
      const first = new Map<string, number>();
      rules.forEach((rule, i) => {
        if (rule.id === undefined) return;
        const earlier = first.get(rule.id);
        if (earlier === undefined) first.set(rule.id, i);
        else
          ctx.addIssue({
            code: 'custom',
            path: [i, 'id'],
            message: `expected a unique id; [${earlier}] has ${JSON.stringify(rule.id)} too`,
            input: undefined,
          });
      });
    })
    .readonly(),
);
