import type { CommandSpec } from './command';
import { capa } from './commands/capa';
import { dele } from './commands/dele';
import { list } from './commands/list';
import { noop } from './commands/noop';
import { pass } from './commands/pass';
import { quit } from './commands/quit';
import { retr } from './commands/retr';
import { rset } from './commands/rset';
import { stat } from './commands/stat';
import { top } from './commands/top';
import { uidl } from './commands/uidl';
import { user } from './commands/user';

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
};
