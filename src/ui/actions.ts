import { type BuiltRule, type FaultBuilder, on } from '../faults/builder';
import { FAULT_TARGETS } from './pages/faults';

/** A form the view refuses; the message is shown above the form. */
export class FormError extends Error {}

const LIMITS = { delay: 600_000, bytes: 1_000_000_000, times: 1_000_000, nth: 1_000_000 } as const;

function integer(fields: Map<string, string>, name: keyof typeof LIMITS, label: string, min: number) {
  const raw = (fields.get(name) ?? '').trim();
  if (raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > LIMITS[name]) {
    throw new FormError(`${label} must be a whole number from ${min} to ${LIMITS[name]}`);
  }
  return Number(raw);
}

/**
 * The rule the "Add a fault" form describes: an error reply, a delay, or a
 * close after N bytes, on a verb or on the connection, with how often and
 * for whom. Built with the public builder, so it explains itself like any rule.
 */
export function ruleFromForm(fields: Map<string, string>, users: readonly string[]): BuiltRule {
  const verb = fields.get('verb') ?? '';
  if (!FAULT_TARGETS.some(([value]) => value === verb)) throw new FormError('choose a command to act on');
  let builder: FaultBuilder = on(verb === 'connect' ? 'greeting' : verb);
  const times = integer(fields, 'times', 'At most this many times', 1);
  const nth = integer(fields, 'nth', 'Only the nth occurrence', 1);
  const user = fields.get('user') ?? '';
  if (times !== undefined) builder = builder.times(times);
  if (nth !== undefined) builder = builder.nth(nth);
  if (user !== '') {
    if (!users.includes(user)) throw new FormError(`no user ${JSON.stringify(user)}`);
    builder = builder.forUser(user);
  }
  switch (fields.get('kind')) {
    case 'err': {
      const line = fields.get('reply') ?? '';
      if (!/^(-ERR|\+OK)( |$)/.test(line)) throw new FormError('Reply line must start with -ERR or +OK');
      if (/[\x00-\x1f\x7f]/.test(line)) throw new FormError('Reply line must be one line of printable text');
      if (Buffer.byteLength(line) > 510) throw new FormError('Reply line must be at most 510 octets');
      return builder.reply(line);
    }
    case 'delay': {
      const ms = integer(fields, 'delay', 'Delay', 0);
      if (ms === undefined) throw new FormError('Delay (milliseconds) is required');
      return builder.delay(ms);
    }
    case 'drop': {
      const bytes = integer(fields, 'bytes', 'Bytes sent before the drop', 0);
      if (bytes === undefined) throw new FormError('Bytes sent before the drop is required');
      return builder.closeAfterBytes(bytes);
    }
    default:
      throw new FormError('choose a fault: an error reply, a delay or a drop');
  }
}

/** The message a delivery form carries: the uploaded file, else the pasted source. */
export function messageFromForm(fields: Map<string, string>, files: Map<string, { data: Buffer }>): Buffer {
  const file = files.get('file');
  if (file && file.data.length > 0) return file.data;
  const pasted = fields.get('source') ?? '';
  if (pasted.trim() !== '') return Buffer.from(pasted, 'utf8');
  throw new FormError('choose an .eml file or paste a message');
}
