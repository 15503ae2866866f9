import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
// The node-pop3 wrapper of the importer example: commands that reject when the connection drops.
import { type Pop3Account, Pop3Session } from '../importer/pop3-session';

/** What a sync remembers between runs: the UIDL ids it has fetched. */
export interface SyncState {
  seen: string[];
}

/** A message fetched by this run. */
export interface NewMessage {
  uid: string;
  message: string;
}

/**
 * Leave-mail-on-server sync: fetches only the messages it has not fetched
 * before, by UIDL id (RFC 1939 §7). Message numbers change between sessions
 * (another client deletes a message and every later one moves up); UIDL ids
 * do not. The state file remembers the ids; ids that left the server are
 * forgotten, so the file does not grow for ever.
 *
 * A run that breaks off keeps what it fetched: the state is saved after every
 * message, so the next run goes on from there.
 */
export async function syncNewMail(account: Pop3Account, stateFile: string): Promise<NewMessage[]> {
  const state = loadState(stateFile);
  const seen = new Set(state.seen);
  const fetched: NewMessage[] = [];
  const session = await Pop3Session.open(account);
  try {
    const listing = await session.uidl();
    for (const [number, uid] of listing) {
      if (seen.has(uid)) continue;
      fetched.push({ uid, message: await session.retr(number) });
      seen.add(uid);
      saveState(stateFile, { seen: [...seen] });
    }
    await session.quit();
    const onServer = new Set(listing.map(([, uid]) => uid));
    saveState(stateFile, { seen: [...seen].filter((uid) => onServer.has(uid)) });
    return fetched;
  } catch (error) {
    session.abort();
    throw error;
  }
}

export function loadState(file: string): SyncState {
  if (!existsSync(file)) return { seen: [] };
  return JSON.parse(readFileSync(file, 'utf8')) as SyncState;
}

/** Written to a temporary file, then renamed: a crash never leaves half a state file. */
function saveState(file: string, state: SyncState): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
