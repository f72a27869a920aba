import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openCaptureFile } from '#sidecar/capture/open-capture-file.ts';

const fixture = readFileSync('test/fixtures/pcap/three-flows.pcap');
const dir = mkdtempSync(join(tmpdir(), 'meshward-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readAll = async (bytes: AsyncIterable<Uint8Array>): Promise<Buffer> => {
  const parts: Uint8Array[] = [];
  for await (const chunk of bytes) parts.push(chunk);
  return Buffer.concat(parts);
};

describe('openCaptureFile', () => {
  it('gives a plain file as it is, in chunks of the asked size', async () => {
    const file = await openCaptureFile('test/fixtures/pcap/three-flows.pcap', 64);
    expect(await readAll(file.bytes)).toEqual(fixture);
    expect([file.compressed, file.failure, file.size, file.fileBytesRead()]).toEqual([
      false,
      undefined,
      fixture.length,
      fixture.length,
    ]);
  });

  it('decompresses a gzip file, even when the magic is split across the first two reads', async () => {
    const path = join(dir, 'x.pcap.gz');
    const packed = gzipSync(fixture);
    writeFileSync(path, packed);
    for (const chunkSize of [1, 2, 1 << 20]) {
      const file = await openCaptureFile(path, chunkSize);
      expect(await readAll(file.bytes)).toEqual(fixture);
      expect([file.compressed, file.failure, file.size]).toEqual([true, undefined, packed.length]);
    }
  });

  it('ends quietly at corrupt gzip data, keeping what came before and saying what zlib said', async () => {
    const path = join(dir, 'bad.pcap.gz');
    const packed = gzipSync(fixture);
    // A valid gzip header, then deflate data with its bytes inverted.
    writeFileSync(path, Buffer.concat([packed.subarray(0, 10), packed.subarray(10).map((b) => b ^ 0xff)]));
    const file = await openCaptureFile(path, 1 << 20);
    const bytes = await readAll(file.bytes);
    expect(bytes.length).toBeLessThan(fixture.length);
    expect(file.compressed).toBe(true);
    expect(file.failure).toMatch(/./);
  });

  it('reads a pipe, sniffing gzip from the stream itself', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = createWriteStream(fifo);
    writer.end(gzipSync(fixture));
    const file = await openCaptureFile(fifo, 1 << 20);
    expect(await readAll(file.bytes)).toEqual(fixture);
    expect(file.compressed).toBe(true);
  });

  it('names the file when reading it fails after it was opened', async () => {
    const path = join(dir, 'gone.pcap');
    writeFileSync(path, fixture);
    const file = await openCaptureFile(path, 1024);
    rmSync(path);
    await expect(readAll(file.bytes)).rejects.toThrow(/cannot read .*gone\.pcap: ENOENT/);
  });

  it('names a missing file and a directory', async () => {
    await expect(openCaptureFile(join(dir, 'none.pcap'), 1024)).rejects.toThrow(/cannot read .*none\.pcap/);
    await expect(openCaptureFile(dir, 1024)).rejects.toThrow(`${dir} is a directory, not a capture file`);
  });

  it('gives nothing for an empty file and one byte for a one-byte file', async () => {
    writeFileSync(join(dir, 'empty'), '');
    writeFileSync(join(dir, 'one'), Buffer.from([0x1f]));
    expect((await readAll((await openCaptureFile(join(dir, 'empty'), 8)).bytes)).length).toBe(0);
    expect(await readAll((await openCaptureFile(join(dir, 'one'), 8)).bytes)).toEqual(Buffer.from([0x1f]));
  });
});
