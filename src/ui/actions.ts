import { type BuiltRule, type FaultBuilder, on } from '../faults/builder';
import { FAULT_TARGETS } from './pages/faults';

/** A form the view refuses; the message is shown above the form. */
export class FormError extends Error {}

/** A number field as typed; its range is the rule schema's to check, as at every other door. */
function integer(fields: Map<string, string>, name: string, label: string) {
  const raw = (fields.get(name) ?? '').trim();
  if (raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new FormError(`${label} must be a whole number`);
  return Number(raw);
}

/**
 * The rule the "Add a fault" form describes: an error reply, a delay, or a
 * close after N bytes, on a verb or on the connection, with how often and
 * for whom. Built with the public builder, so it explains itself like any rule;
 * `use()` checks it against the rule schema, with the same messages as every door.
 */
export function ruleFromForm(fields: Map<string, string>): BuiltRule {
  const verb = fields.get('verb') ?? '';
  if (!FAULT_TARGETS.some(([value]) => value === verb)) throw new FormError('choose a command to act on');
  let builder: FaultBuilder = on(verb === 'connect' ? 'greeting' : verb);
  const times = integer(fields, 'times', 'At most this many times');
  const nth = integer(fields, 'nth', 'Only the nth occurrence');
  const user = fields.get('user') ?? '';
  if (times !== undefined) builder = builder.times(times);
  if (nth !== undefined) builder = builder.nth(nth);
  // A user the server does not hold (yet) is taken, as use() and the control API take it: one
  // verdict at every door. The name itself is the rule schema's to check.
  if (user !== '') builder = builder.forUser(user);
  switch (fields.get('kind')) {
    case 'err':
      return builder.reply(fields.get('reply') ?? '');
    case 'delay': {
      const ms = integer(fields, 'delay', 'Delay');
      if (ms === undefined) throw new FormError('Delay (milliseconds) is required');
      return builder.delay(ms);
    }
    case 'drop': {
      const bytes = integer(fields, 'bytes', 'Bytes sent before the drop');
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
