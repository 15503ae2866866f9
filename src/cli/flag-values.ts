import * as z from 'zod';
import { checkInput } from '../schema/check';
import { made } from '../schema/made';
import { type ConfigFileOptions, configFile } from '../schema/options';
import { asUsage } from './errors';
import type { ConfigKey, OptionFlag } from './option-flags';

/** Options set on the command line, keyed as in a config file. */
export type FlagOptions = Partial<ConfigFileOptions>;

/**
 * Checks each option flag's value with its config key's schema: the text as
 * given first (ports and file names are text), then as a number when it reads
 * as one (`--seed 7`). A refused value is a usage error carrying the schema's
 * message for the text as typed: `--seed: expected an integer ..., got "x"`.
 */
export function checkFlagValues(
  flags: readonly OptionFlag[],
  values: Readonly<Record<string, string | boolean | undefined>>,
): FlagOptions {
  const options: Record<string, unknown> = {};
  for (const { flag, key, within } of flags) {
    const value = values[flag];
    if (value === undefined) continue;
    if (within !== undefined) {
      // A field of an object key: checked by that field's schema, merged with the other fields flags set.
      const field = checkValue(flag, fieldSchema(key, within), value);
      options[key] = { ...(options[key] as Record<string, unknown> | undefined), [within]: field };
      continue;
    }
    options[key] = typeof value === 'boolean' ? value : checkText(flag, key, value);
  }
  return options as FlagOptions;
}

/** The schema of one field of an object config key (`certificate` of `tls`). */
function fieldSchema(key: ConfigKey, field: string): z.ZodType {
  let schema = made(configFile).shape[key] as z.ZodType;
  // Optional, and made on first use (schema/options.ts): the object is inside.
  while (schema instanceof z.ZodOptional || schema instanceof z.ZodLazy)
    schema = (schema instanceof z.ZodLazy ? made(schema) : schema.unwrap()) as z.ZodType;
  if (!(schema instanceof z.ZodObject) || !(field in schema.shape)) {
    throw new Error(`pop3-mock: the config key ${key} has no field ${field}`);
  }
  return schema.shape[field] as z.ZodType;
}

function checkText(flag: string, key: ConfigKey, text: string): unknown {
  const schema = made(configFile).shape[key];
  const asText = schema.safeParse(text);
  if (asText.success) return asText.data;
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const asNumber = schema.safeParse(Number(text));
    if (asNumber.success) return asNumber.data;
  }
  // Refused either way: the schema's message, about the text as typed.
  return checkValue(flag, schema, text);
}

/** `schema` on `value`, a refusal as a usage error carrying the schema's message. */
function checkValue(flag: string, schema: z.ZodType, value: unknown): unknown {
  return asUsage(() => checkInput(schema, value, { source: `--${flag}` }));
}

/**
 * Whether a key's schema takes only true/false: such a key is a switch on the
 * command line, a flag without a `value` in the table (a test holds them to each other).
 */
export function isSwitch(key: ConfigKey): boolean {
  const schema = made(configFile).shape[key] as z.ZodType;
  return schema.safeParse(true).success && !schema.safeParse('true').success;
}
