/**
 * JDWP for real, in a network namespace the test creates: test/fixtures/jdwp/Target.java run by the JDK 17 under
 * `-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:6379` (Redis's port, which says nothing
 * true here), and the JDK's own jdb attached twice: once listing classes and threads, once stopping at a breakpoint
 * in Target.tick and printing `java.lang.Runtime.getRuntime().exec("id")`, which runs `id` in the JVM; then a Node
 * client doing what jdwp-shellifier does (test/helpers/jdwp-shellifier-main.ts: AllClasses, Methods, a breakpoint,
 * CreateString, getRuntime, exec) to run `touch <dir>/pwned`. Captured by tcpdump, read by the engine with the
 * default detectors; nDPI's labels are printed beside ours.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'java', 'jdb']);
const port = 6379;
const address = `127.0.0.1:${port}`;

/** Resolves once `child`'s stdout has said `text`, or rejects with what it said after `ms`. */
const said = (child: ChildProcess, text: string, ms = 15_000): Promise<string> =>
  new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`never said ${text}: ${out}`)), ms);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(text)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });

/** jdb attached, stopping in Target.tick and printing exec("id") there; resolves with what it printed. */
const jdbExec = async (ns: Netns): Promise<string> => {
  const jdb = spawn('ip', ['netns', 'exec', ns.name, 'jdb', '-attach', address], { stdio: 'pipe' });
  try {
    // Stopped: jdb's prompt names the thread once the breakpoint's event is handled.
    const hit = said(jdb, 'main[1] ');
    jdb.stdin.write('stop in Target.tick\n');
    await hit;
    const printed = said(jdb, 'exec("id") = ');
    jdb.stdin.write('print java.lang.Runtime.getRuntime().exec("id")\n');
    const out = await printed;
    const gone = new Promise((resolve) => jdb.once('exit', resolve));
    jdb.stdin.end('clear Target.tick\ncont\nquit\n');
    await gone;
    return out.slice(out.indexOf('exec("id") = ')).split('\n')[0] ?? '';
  } finally {
    jdb.kill();
  }
};

type Run = {
  flows: FlowFinding[];
  threats: ThreatFinding[];
  listed: string;
  printed: string;
  shellified: string;
  pcap: string;
};

const touch = (dir: string): string => `touch ${join(dir, 'pwned')}`;

const session = async (ns: Netns, dir: string): Promise<Run> => {
  const agent = `-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=${address}`;
  const vm = ns.spawn('java', [agent, 'test/fixtures/jdwp/Target.java']);
  await said(vm, 'ready', 30_000);
  await waitForListen(ns, port);
  const pcap = join(dir, 'jdwp.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `tcp port ${port}`);
  const listed = ns.exec('jdb', ['-attach', address], {
    input: 'classes\nthreads\nquit\n',
    timeoutMs: 15_000,
  });
  const printed = await jdbExec(ns);
  const shellifier = [
    '--import',
    'tsx',
    'test/helpers/jdwp-shellifier-main.ts',
    '127.0.0.1',
    `${port}`,
    'Target',
  ];
  const shellified = ns.exec('node', [...shellifier, 'tick', touch(dir)], { timeoutMs: 15_000 }).trim();
  await stopTcpdump(tcpdump);
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  return {
    ...splitFindings(findings),
    listed,
    printed,
    shellified,
    pcap,
  };
};

describe.skipIf(unavailable !== undefined)(
  `JDWP from the JDK 17's jdb${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/jdwp.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-jdwp-real-'));

    beforeAll(async () => {
      ns = createNetns('mwjd');
      run = await session(ns, dir);
    }, 90_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    /** The three connections in the order they were made: jdb listing, jdb's exec, the shellifier. */
    const flows = () => [...run.flows].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen));

    it('labels every debugger connection jdwp on a port that says redis, with the VM and the commands', () => {
      expect(run.listed).toContain('java.lang.Runtime');
      expect(run.printed).toMatch(/^exec\("id"\) = "Process\[pid=\d+, exitValue=/);
      expect(JSON.parse(run.shellified)).toMatchObject({ vm: true, process: 'L' });
      expect(existsSync(join(dir, 'pwned'))).toBe(true);
      expect(run.flows).toHaveLength(3);
      for (const flow of run.flows) {
        expect(flow.protocol, `${flow.client.port}`).toBe('jdwp');
        const ops = flow.l7?.operations ?? [];
        expect(ops.find((op) => op.startsWith('vm '))).toMatch(/^vm OpenJDK 64-Bit Server VM 17\.\d/);
        expect(ops).toEqual(expect.arrayContaining(['handshake', 'VirtualMachine.IDSizes']));
      }
      const [listing, jdb, shellifier] = flows().map((f) => f.l7?.operations ?? []);
      expect(listing).toContain('VirtualMachine.AllClassesWithGeneric');
      expect(listing?.some((op) => op.startsWith('invoke'))).toBe(false);
      const calls = ['event-request breakpoint', 'invoke java.lang.Runtime.getRuntime', 'create-string'];
      expect(jdb).toEqual(expect.arrayContaining([...calls, 'invoke java.lang.Runtime.exec']));
      expect(shellifier).toEqual(
        expect.arrayContaining([
          ...calls,
          'VirtualMachine.AllClasses',
          'all-classes',
          'ReferenceType.Methods',
        ]),
      );
    });

    it('reports the listing session high only, and each exec critical naming its command', () => {
      const of = (flow: FlowFinding | undefined) =>
        run.threats
          .filter((t) => t.client.port === flow?.client.port)
          .map((t) => [t.threat, t.severity, t.count, t.evidence.split(' — ')[0]]);
      const attached = `A JDWP debugger at 127.0.0.1 attached to the JVM at ${address}: its debug port lets whoever connects run any code in it`;
      const ran = (what: string) =>
        `a JDWP debugger invoked java.lang.Runtime.exec(${JSON.stringify(what)}) in the JVM at ${address} (code run through the debug port)`;
      const [listing, jdb, shellifier] = flows();
      expect(of(listing)).toEqual([['jdwp-abuse', 'high', 1, attached]]);
      // One finding per flow: the exec's story, counting the attachment too.
      expect(of(jdb)).toEqual([['jdwp-abuse', 'critical', 2, ran('id')]]);
      // command-injection reads the created string too (the JDWP strings are client values), and finds a command.
      expect(of(shellifier)).toEqual([
        ['jdwp-abuse', 'critical', 2, ran(touch(dir))],
        ['command-injection', 'critical', 2, 'command touch with arguments'],
      ]);
      expect(run.threats).toHaveLength(4);
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap);
      console.log(
        `nDPI on the JDWP flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence}) [${f.risks.join(', ')}]`).join('; ')}; meshward: ${run.flows.map((f) => f.protocol).join(', ')}`,
      );
      expect(ndpi).toHaveLength(3);
    });
  },
);
