import type { CliConfig } from '../config/load-config';
import { ExitCode } from '../exit-codes';
import { valueAtPath } from '../schema/check';
import { describeIssue, type InputError, type InputIssue } from '../schema/input-error';
import { otherListenerOf } from '../schema/options';
import { CliError } from './errors';
import type { FaultOrigin } from './fault-files';
import type { FlagOptions } from './flag-values';
import { OPTION_FLAGS } from './option-flags';

/** Where the command line gave an option: what to name it by, as the other CLI refusals do. */
interface Place {
  /** `--tls-certificate`, `config pop3.json`, or the options door when neither gave it. */
  readonly source: string;
  readonly path: string;
  readonly byFlag: boolean;
}

/**
 * A refusal of `startPop3Mock()`'s options (such as TLS settings nothing
 * serves) named where the user wrote each setting: the flag that set it
 * (`--tls-certificate: ...`), else the config file and its key
 * (`config pop3.json: tls.certificate: ...`), not the options path the CLI
 * built (`pop3-mock options: tls.certificate: ...`). Flags win over the
 * config, so a setting both give is the flag's; a rule of several `--faults`
 * files is named in its file (`fault rules /x/b.json: [0].action.type`).
 * Exit code 2 when only flags are refused, as for a bad flag value; 4 when a
 * file's setting is (or is the other of two listeners given one port).
 */
export function placeOptionIssues(
  error: InputError,
  flags: FlagOptions,
  config: CliConfig | undefined,
  faultOrigins: readonly FaultOrigin[] = [],
): CliError {
  const placed = error.issues.map((issue) => {
    const place = faultFilePlace(issue.path, faultOrigins) ??
      placeOf(issue.path, flags, config) ?? {
        source: error.source,
        path: issue.path,
        byFlag: false,
      };
    // A port two listeners ask for: the other is named where it was written too, not by its option path.
    const other = otherListenerOf(issue.message);
    const otherPlace = other === undefined ? undefined : placeOf(other, flags, config);
    if (other === undefined || otherPlace === undefined)
      return { place, byFlag: place.byFlag, message: issue.message };
    const named = otherPlace.byFlag ? otherPlace.source : `${otherPlace.path} of ${otherPlace.source}`;
    return {
      place,
      byFlag: place.byFlag && otherPlace.byFlag,
      message: issue.message.replace(`${other} asks for`, `${named} asks for`),
    };
  });
  // Adjacent issues of one source share it, as in an InputError's message.
  const parts: { source: string; issues: InputIssue[] }[] = [];
  for (const { place, message } of placed) {
    const last = parts.at(-1);
    const issue = { path: place.path, message };
    // The same refusal twice (one file given to --faults twice) is said once.
    if (last?.source === place.source) {
      if (!last.issues.some((i) => i.path === issue.path && i.message === issue.message))
        last.issues.push(issue);
    } else parts.push({ source: place.source, issues: [issue] });
  }
  const text = parts.map((p) => `${p.source}: ${p.issues.map(describeIssue).join('; ')}`).join('; ');
  // Flags alone refused are a bad command line (2); a config file's setting among them, a bad file (4).
  return new CliError(text, placed.every((p) => p.byFlag) ? ExitCode.usage : ExitCode.badInput);
}

/** A rule of several `--faults` files, read into one list: `faults[3].action` is named in its file. */
function faultFilePlace(path: string, origins: readonly FaultOrigin[]): Place | undefined {
  const at = /^faults\[(\d+)\](.*)$/.exec(path);
  const origin = at === null ? undefined : origins[Number(at[1])];
  if (at === null || origin === undefined) return undefined;
  return { source: `fault rules ${origin.file}`, path: `[${origin.index}]${at[2]}`, byFlag: false };
}

/** Where an option was written, as a refusal names it (`--port`, `config pop3.json: port`); undefined if neither gave it. */
export function writtenAt(
  path: string,
  flags: FlagOptions,
  config: CliConfig | undefined,
): string | undefined {
  const place = placeOf(path, flags, config);
  if (place === undefined) return undefined;
  return place.byFlag ? place.source : `${place.source}: ${place.path}`;
}

function placeOf(path: string, flags: FlagOptions, config: CliConfig | undefined): Place | undefined {
  const flag = OPTION_FLAGS.find((f) => (f.optionPath ?? f.key) === path);
  // The config key holding the option: a flag's (`controlPort` for `control.port`), else the same path.
  const configPath =
    flag === undefined ? path : [flag.key, ...(flag.within === undefined ? [] : [flag.within])].join('.');
  if (flag !== undefined && valueAtPath(flags, configPath) !== undefined)
    return { source: `--${flag.flag}`, path: '', byFlag: true };
  if (config !== undefined && valueAtPath(config.options, configPath) !== undefined)
    return { source: `config ${config.displayPath}`, path: configPath, byFlag: false };
  return undefined;
}
