import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, on, startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';

// Issue 4 §1: rules come from fixtures too — JSON as the builder writes it.
test('fault rules from a JSON fixture apply from the start and survive reset()', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-faults-'));
  try {
    const rule = on('STAT').reply('-ERR [SYS/TEMP] from a fixture');
    writeFileSync(join(dir, 'faults.json'), JSON.stringify([{ ...rule, id: undefined }]));
    const pop3 = await startPop3Mock({ baseDir: dir, faults: 'faults.json', users: { alice: 'pw' } });
    try {
      await pop3.reset();
      const client = await RawClient.login(pop3.port, 'alice', 'pw');
      expect(await client.command('STAT')).toBe('-ERR [SYS/TEMP] from a fixture');
      await client.command('QUIT');
      expect(pop3.rules().map((r) => [r.source, r.hits])).toEqual([['options', 1]]);
    } finally {
      await pop3.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a fault fixture that is not an array of rules is refused with the path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-faults-'));
  try {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ trigger: {} }));
    await expect(startPop3Mock({ baseDir: dir, faults: 'bad.json' })).rejects.toThrow(InputError);
    await expect(startPop3Mock({ baseDir: dir, faults: 'bad.json' })).rejects.toThrow(
      /bad\.json: expected an array, got \{"trigger":\{\}\}/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
