/** The engine tells a shell's commands even when every one came before the shell's first answer (parser end()). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { tcpConversation } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-shell-end-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

describe('a shell that answers only after every command', () => {
  it('is labelled shell, its commands are in the summary, and reverse-shell names the first', async () => {
    const records = tcpConversation(
      { client: '10.0.7.5', server: '10.0.7.9', clientPort: 44000, serverPort: 4444 },
      [
        { from: 'server', data: bytes('id\nwhoami\nexit\n') },
        { from: 'client', data: bytes('uid=0(root) gid=0(root) groups=0(root)\nroot\n') },
      ],
      { close: true },
    );
    const pcap = join(dir, 'shell.pcap');
    writeFileSync(pcap, writePcap(records).bytes);
    const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
    const [flow] = splitFindings(findings).flows;
    expect(flow?.protocol).toBe('shell');
    expect(flow?.l7?.operations).toEqual(['command']);
    const threats = threatsBy(findings, 'reverse-shell');
    expect(threats.map((f) => [f.evidence, f.count])).toEqual([
      ['a reverse shell: the server ran `id` in it', 3],
    ]);
  });
});
