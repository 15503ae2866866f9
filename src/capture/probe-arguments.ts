import type { ArgumentReader } from '../dialects/dialect';
import { type ProbeRun, T } from './findings';
import type { Answer } from './line-client';
import { isErr, isOk, lineOf, textOf } from './probe-session';
import { type KnownValues, templateOf } from './template-of';

/** Past 64 bits: no unsigned parser reads it. */
const HUGE = '99999999999999999999';
/** Where a server's message numbers may end, each one past a type's largest value. */
const NUMBER_CEILINGS = [65_536, 2_147_483_648, 4_294_967_296];

/**
 * How LIST n, UIDL n, RETR, DELE and TOP read their arguments
 * (docs/DIALECTS.md, "The probe script", step 8): `LIST 1.5` is the invalid
 * number `1.5` to a server that checks whole words, and the number 1 followed
 * by junk to one that scans the line (`scan`, as Dovecot does). A scanning
 * server is then asked how large a number it reads and what TOP's size may
 * be followed by. Returns the reader, or `undefined` when the answer fits
 * neither (the preset's is kept).
 */
export async function probeArgumentReader(
  { sessions, f, learn }: ProbeRun,
  count: number,
): Promise<ArgumentReader | undefined> {
  const seen = (text: 'invalidNumber' | 'noSuchMessage', answer: Answer, values: KnownValues) =>
    isErr(answer) &&
    f.samples.some((s) => s.text === text && s.template === templateOf(textOf(lineOf(answer) ?? ''), values));
  const asNumber = (n: string): KnownValues => [
    ['number', n],
    ['argument', n],
    ['count', count],
  ];
  const decimal = await sessions.probe(T, 'LIST 1.5');
  if (isOk(decimal)) {
    f.notLearned.push('LIST 1.5 was answered +OK (the digits read, the rest ignored): the mock refuses it');
    return undefined;
  }
  if (!isErr(decimal)) return undefined;
  if (
    seen('invalidNumber', decimal, [
      ['argument', '1.5'],
      ['rest', '1.5'],
    ])
  )
    return { kind: 'words' };
  learn('junkAfterNumber', decimal, [['junk', '.5']]);

  const huge = await sessions.probe(T, `LIST ${HUGE}`);
  if (seen('noSuchMessage', huge, asNumber(HUGE)) || !isErr(huge)) {
    f.notLearned.push(`LIST ${HUGE}: read as a number; the mock's scan reader stops at 64 bits`);
  } else learn('numberTooLarge', huge, [['rest', HUGE]]);
  let largestMessageNumber: number | undefined;
  for (const ceiling of NUMBER_CEILINGS) {
    const answer = await sessions.probe(T, `LIST ${ceiling}`);
    if (seen('noSuchMessage', answer, asNumber(String(ceiling)))) continue;
    // The rest after a number read but refused: nothing here.
    if (isErr(answer)) learn('numberTooLarge', answer, [['rest', '']]);
    largestMessageNumber = ceiling - 1;
    break;
  }
  if (count > 0) {
    learn('junkAfterLineCount', await sessions.probe(T, 'TOP 1 1.5'), [['junk', '.5']]);
    learn('invalidLineCount', await sessions.probe(T, 'TOP 1 lots more'), [
      ['argument', 'lots'],
      ['rest', 'lots more'],
    ]);
    const tooLarge = await sessions.probe(T, `TOP 1 ${HUGE}`, true);
    if (isErr(tooLarge)) learn('lineCountTooLarge', tooLarge, [['rest', HUGE]]);
  }
  return largestMessageNumber === undefined ? { kind: 'scan' } : { kind: 'scan', largestMessageNumber };
}
