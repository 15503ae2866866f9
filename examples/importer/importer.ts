import { ConnectionLostError, type Pop3Account, Pop3Session } from './pop3-session';

/** Where imported messages go, keyed by their UIDL id. */
export interface MailStore {
  has(uid: string): boolean | Promise<boolean>;
  save(uid: string, message: string): void | Promise<void>;
}

/** What one run did. */
export interface ImportResult {
  /** Messages fetched and saved in this run (UIDL ids). */
  imported: string[];
  /** Messages already in the store (saved by an earlier, interrupted run): deleted without fetching. */
  alreadyStored: string[];
  /** Messages the server refused to send (`-ERR` on RETR): left on the server for the next run. */
  failed: { uid: string; error: string }[];
}

/** The run stopped half-way; nothing was deleted on the server (no QUIT, so no UPDATE). */
export class ImportInterruptedError extends Error {
  override readonly name = 'ImportInterruptedError';
  constructor(
    message: string,
    /** What had been saved before the interruption. */
    readonly partial: ImportResult,
  ) {
    super(message);
  }
}

/**
 * Fetch-and-delete: moves every message from the POP3 maildrop into `store`.
 *
 * Nothing is lost, whatever the server does:
 * - a message is marked for deletion (DELE) only after the store has it;
 * - the deletions happen only on QUIT (RFC 1939 §6), so a dropped connection
 *   deletes nothing, and the next run fetches the messages again;
 * - messages are keyed by UIDL, so a message saved by an interrupted run is
 *   not saved twice: the next run only deletes it;
 * - a `-ERR` on RETR (e.g. `[SYS/TEMP]`) skips that message, which stays on
 *   the server for the next run.
 */
export async function importMail(account: Pop3Account, store: MailStore): Promise<ImportResult> {
  const result: ImportResult = { imported: [], alreadyStored: [], failed: [] };
  const session = await Pop3Session.open(account);
  try {
    for (const [number, uid] of await session.uidl()) {
      if (await store.has(uid)) {
        result.alreadyStored.push(uid);
      } else {
        let message: string;
        try {
          message = await session.retr(number);
        } catch (error) {
          if (error instanceof ConnectionLostError) throw error;
          result.failed.push({ uid, error: (error as Error).message });
          continue;
        }
        await store.save(uid, message);
        result.imported.push(uid);
      }
      await session.dele(number);
    }
    await session.quit();
    return result;
  } catch (error) {
    session.abort();
    throw new ImportInterruptedError(`import interrupted: ${(error as Error).message}`, result);
  }
}

/** A store in memory, for tests and for trying the importer out. */
export class MemoryStore implements MailStore {
  readonly messages = new Map<string, string>();
  /** Every save, in order: a message saved twice would show twice here. */
  readonly saves: string[] = [];

  has(uid: string): boolean {
    return this.messages.has(uid);
  }

  save(uid: string, message: string): void {
    this.saves.push(uid);
    this.messages.set(uid, message);
  }
}
