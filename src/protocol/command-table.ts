import type { CommandSpec } from './command';
import { apop } from './commands/apop';
import { auth } from './commands/auth';
import { capa } from './commands/capa';
import { dele } from './commands/dele';
import { lang } from './commands/lang';
import { list } from './commands/list';
import { noop } from './commands/noop';
import { pass } from './commands/pass';
import { quit } from './commands/quit';
import { retr } from './commands/retr';
import { rset } from './commands/rset';
import { stat } from './commands/stat';
import { stls } from './commands/stls';
import { top } from './commands/top';
import { uidl } from './commands/uidl';
import { user } from './commands/user';
import { utf8 } from './commands/utf8';

/** Every verb the server knows, one entry each (upper case). */
export const commandTable: Readonly<Record<string, CommandSpec>> = {
  USER: user,
  PASS: pass,
  QUIT: quit,
  STAT: stat,
  LIST: list,
  RETR: retr,
  DELE: dele,
  NOOP: noop,
  RSET: rset,
  TOP: top,
  UIDL: uidl,
  CAPA: capa,
  APOP: apop,
  AUTH: auth,
  STLS: stls,
  UTF8: utf8,
  LANG: lang,
};
