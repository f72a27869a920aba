/** The serve test helper on a server that cannot start: the error says why, and nothing is left behind. */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startServe } from '#test/helpers/serve-process.ts';

const dataDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('meshward-e2e-'));

describe('startServe when serve cannot start', () => {
  it('rejects with serve’s own message and removes the data directory it made', async () => {
    const before = dataDirs();
    await expect(startServe({}, ['--no-such-option'])).rejects.toThrow(/serve exited with [1-9]/);
    expect(dataDirs()).toEqual(before);
  }, 60_000);
});
