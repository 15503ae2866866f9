import type { SaslMechanismName } from '../../capabilities/sasl-names';
import { cramMd5 } from './cram-md5';
import { login } from './login';
import type { SaslMechanism } from './mechanism';
import { oauthbearer } from './oauthbearer';
import { plain } from './plain';
import { xoauth2 } from './xoauth2';

/** The SASL mechanisms the mock implements, by name. */
export const saslMechanisms: Readonly<Record<SaslMechanismName, SaslMechanism>> = {
  PLAIN: plain,
  LOGIN: login,
  'CRAM-MD5': cramMd5,
  XOAUTH2: xoauth2,
  OAUTHBEARER: oauthbearer,
};

export const ALL_MECHANISMS: readonly SaslMechanismName[] = [
  'PLAIN',
  'LOGIN',
  'CRAM-MD5',
  'XOAUTH2',
  'OAUTHBEARER',
];

export function isMechanismName(name: string): name is SaslMechanismName {
  return Object.hasOwn(saslMechanisms, name);
}
