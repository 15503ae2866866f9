import { type CapabilitySettings, RESPONSE_CODES_ON } from '../capabilities/settings';
import { type Clock, systemClock } from '../clock';
import { dialects } from '../dialects';
import type { Dialect } from '../dialects/dialect';
import { rfcDialect } from '../dialects/rfc';
import { type Served, unfireableIssues } from '../faults/accept-rules';
import { ALL_MECHANISMS } from '../protocol/sasl/mechanisms';
import { InputError, OPTIONS_SOURCE } from '../schema/input-error';
import type { CheckedOptions } from '../schema/options';
import type { SessionHost } from '../session/session-host';
import { unservedTlsIssues } from './unserved-tls';
import { userOffBecause, verbsOff } from './verbs-off';

/** What a server's sessions share that the options decide, defaults filled in. */
export type ServerSettings = Pick<
  SessionHost,
  'dialect' | 'clock' | 'capabilities' | 'lockMode' | 'autologoutMs' | 'requireTls' | 'apop' | 'hostname'
> & {
  /** The verbs answered as unknown (STLS: refused), each with why, and whose name a line before login carries. */
  readonly served: Served;
};

/**
 * The one place options become settings: the dialect looked up (a name was
 * checked at the door), the capabilities as the dialect sets them and the
 * options change them, and every default (RFC 1939 §3's ten-minute
 * autologout, loopback, `localhost` in APOP and CRAM-MD5). With `tls: false`
 * STLS is off whatever the dialect says. TLS settings nothing would serve,
 * and `faults` rules that bend only replies of verbs it leaves out, are refused here,
 * where the dialect's STLS is known (an InputError, as at the options door).
 */
export function serverSettings(options: CheckedOptions): ServerSettings {
  const dialect: Dialect =
    typeof options.dialect === 'string' ? dialects[options.dialect] : (options.dialect ?? rfcDialect);
  const clock: Clock = options.clock ?? systemClock;
  const capabilities: CapabilitySettings = {
    capa: true,
    top: true,
    uidl: true,
    user: true,
    pipelining: true,
    ...RESPONSE_CODES_ON,
    implementation: dialect.implementation,
    sasl: ALL_MECHANISMS,
    stls: options.tls !== false,
    loginDelay: undefined,
    expire: undefined,
    utf8: false,
    lang: false,
    ...dialect.capabilities,
    ...options.capabilities,
  };
  // Without a certificate there is no STLS, whatever a dialect (a captured
  // server's CAPA) says; `capabilities.stls: true` with it is refused at the door.
  if (options.tls === false) capabilities.stls = false;
  const served: Served = {
    verbsOff: verbsOff(options, dialect, capabilities),
    userKeptUntilPass: dialect.userKeptUntilPass === true,
    dialectName: dialect.name,
    userOffBecause: userOffBecause(options, dialect, capabilities),
  };
  const unserved = [
    ...unservedTlsIssues(options, capabilities.stls, dialect),
    // A rules file is read at the start, by the server it is for (Pop3Mock.load()).
    ...(typeof options.faults === 'object' ? unfireableIssues(options.faults, served, ['faults']) : []),
  ];
  if (unserved.length > 0) throw new InputError(unserved, OPTIONS_SOURCE);
  return {
    served,
    dialect,
    clock,
    capabilities,
    lockMode: options.lock ?? dialect.lock,
    autologoutMs: options.autologoutMs ?? 600_000,
    requireTls: options.requireTls ?? dialect.requireTls ?? false,
    apop: options.apop ?? dialect.apopTimestamp !== undefined,
    hostname: options.hostname ?? 'localhost',
  };
}
