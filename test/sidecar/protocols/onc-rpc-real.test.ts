/**
 * ONC RPC for real, in a network namespace the test creates: rpcbind in the foreground (`rpcbind -f -w`, on 111, the
 * registry's own port) and nfs-ganesha (`ganesha.nfsd -F`, FSAL VFS) serving NFS v3 and v4 on 5432 (PostgreSQL's
 * port, which says nothing true here) and mountd on 6379 (Redis's), exporting a temporary directory read-write
 * without root squashing and /etc read-only. Clients: rpcinfo -p, showmount -e, libnfs-utils' nfs-ls and nfs-cat
 * (userspace NFS: no kernel mount) with `?uid=` in the URL, and a portmapper CALLIT datagram sent by node; over NFS
 * v4 a read of a file under the pseudo path /var/lib/kubelet and a sweep of five uids. Two captures: what an
 * attacker's pod does, and ordinary reads as uid 1000, which must raise nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { ndpiAvailable, ourIdOf, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

/** rpcbind's lock file and socket are in /run, which a network namespace shares with the host. */
const hostRpcbind = (): string | undefined => {
  try {
    execFileSync('pgrep', ['-x', 'rpcbind'], { stdio: 'ignore' });
    return 'an rpcbind already runs on this machine, and the namespace shares its lock file in /run';
  } catch {
    return undefined;
  }
};

const commands = [
  'tcpdump',
  'ss',
  'pgrep',
  'rpcbind',
  'ganesha.nfsd',
  'rpcinfo',
  'showmount',
  'nfs-ls',
  'nfs-cat',
];
const unavailable = netnsUnavailable(commands) ?? hostRpcbind();
const nfsPort = 5432;
const mountPort = 6379;
const filter = `port 111 or port ${nfsPort} or port ${mountPort}`;

type Capture = { flows: FlowFinding[]; threats: ThreatFinding[]; pcap: string };

const ganeshaConfig = (dir: string): string => `
NFS_CORE_PARAM { NFS_Port = ${nfsPort}; MNT_Port = ${mountPort}; Enable_NLM = false; Enable_RQUOTA = false; Protocols = 3, 4; }
NFSV4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = ${dir}/recovery; }
EXPORT { Export_Id = 1; Path = ${dir}/export; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash;
  SecType = sys; Protocols = 3, 4; Transports = TCP, UDP; FSAL { Name = VFS; } }
EXPORT { Export_Id = 2; Path = /etc; Pseudo = /etc; Access_Type = RO; Squash = Root_Squash;
  SecType = sys; Protocols = 3; Transports = TCP, UDP; FSAL { Name = VFS; } }
EXPORT { Export_Id = 3; Path = ${dir}/kubelet; Pseudo = /var/lib/kubelet; Access_Type = RO; Squash = Root_Squash;
  SecType = sys; Protocols = 4; Transports = TCP; FSAL { Name = VFS; } }
LOG { Default_Log_Level = WARN; }
`;

/** A portmap v2 CALLIT (RFC 1833 §3.2) of NFS v3's NULL, sent over UDP to rpcbind; rpcbind may forward or drop it. */
const callit = `
const s = require('node:dgram').createSocket('udp4');
const w = (...v) => { const b = Buffer.alloc(v.length * 4); v.forEach((x, i) => b.writeUInt32BE(x >>> 0, i * 4)); return b; };
s.send(w(0x1234, 0, 2, 100000, 2, 5, 0, 0, 0, 0, 100003, 3, 0, 0), 111, '127.0.0.1');
s.on('message', () => { console.log('answered'); s.close(); });
setTimeout(() => { try { s.close(); } catch {} }, 1000);
`;

/** The client's stdout, or `exit <status>` when it fails. */
const run = (ns: Netns, command: string, ...args: string[]): string => {
  try {
    return ns.exec(command, args, { timeoutMs: 10_000 }).trim();
  } catch (error) {
    return `exit ${(error as { status?: number }).status}`;
  }
};

const inspect = async (pcap: string): Promise<Capture> => {
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  return {
    flows: findings.filter((f): f is FlowFinding => f.type === 'flow'),
    threats: findings.filter((f): f is ThreatFinding => f.type === 'threat'),
    pcap,
  };
};

const captured = async (ns: Netns, pcap: string, clients: () => string[]): Promise<[Capture, string[]]> => {
  const tcpdump = await captureInNamespace(ns, pcap, filter);
  const said = clients();
  await stopTcpdump(tcpdump);
  return [await inspect(pcap), said];
};

describe.skipIf(unavailable !== undefined)(
  `ONC RPC from rpcbind, nfs-ganesha, rpcinfo, showmount and libnfs${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/onc-rpc.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let abuse: Capture;
    let ordinary: Capture;
    let said: string[];
    let read: string[];
    const dir = mkdtempSync(join(tmpdir(), 'meshward-onc-rpc-real-'));
    const url = (path: string, query: string) => `nfs://127.0.0.1${path}?${query}`;

    beforeAll(async () => {
      mkdirSync(join(dir, 'export'));
      mkdirSync(join(dir, 'recovery'));
      mkdirSync(join(dir, 'kubelet'));
      writeFileSync(join(dir, 'export', 'hello.txt'), 'hello nfs\n', { mode: 0o644 });
      writeFileSync(join(dir, 'kubelet', 'token'), 'token-abc\n', { mode: 0o644 });
      writeFileSync(join(dir, 'ganesha.conf'), ganeshaConfig(dir));
      ns = createNetns('mwrpc');
      const netns = ns;
      netns.spawn('rpcbind', ['-f', '-w']);
      await waitForListen(netns, 111);
      netns.spawn('ganesha.nfsd', [
        '-F',
        '-f',
        join(dir, 'ganesha.conf'),
        '-L',
        join(dir, 'ganesha.log'),
        '-p',
        join(dir, 'ganesha.pid'),
      ]);
      await waitForListen(netns, mountPort);
      const v3 = 'version=3&uid=1000&gid=1000';
      const v4 = (uid: number) => `version=4&uid=${uid}&gid=${uid}&nfsport=${nfsPort}`;
      [abuse, said] = await captured(netns, join(dir, 'abuse.pcap'), () => [
        run(netns, 'rpcinfo', '-p', '127.0.0.1').includes('mountd') ? 'listed' : 'not listed',
        run(netns, 'showmount', '-e', '127.0.0.1'),
        run(netns, 'nfs-ls', url(`${dir}/export`, 'version=3&uid=0')).replace(/\s+/g, ' '),
        run(netns, 'nfs-ls', url('/', v3)),
        run(netns, 'nfs-ls', url('/etc', v3)) === '' ? 'empty' : 'listed',
        run(netns, process.execPath, '-e', callit),
        // NFS v4 walking to a pseudo path under /var/lib/kubelet, then a sweep of five uids, one connection each.
        run(netns, 'nfs-cat', url('/var/lib/kubelet/token', v4(1000))),
        ...[1001, 1002, 1003, 1004, 1005].map(
          (uid) => run(netns, 'nfs-ls', url('/export', v4(uid))).split('\n')[0] ?? '',
        ),
      ]);
      [ordinary, read] = await captured(netns, join(dir, 'ordinary.pcap'), () => [
        run(netns, 'nfs-cat', url(`${dir}/export/hello.txt`, v3)),
        run(netns, 'nfs-cat', url('/export/hello.txt', `version=4&uid=1000&gid=1000&nfsport=${nfsPort}`)),
      ]);
    }, 90_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs the clients against the real servers', () => {
      expect(said.slice(6)).toEqual(['token-abc', ...Array(5).fill(said[7])]);
      expect(said[7]).toMatch(/hello\.txt$/);
      expect([...said.slice(0, 3), said[4]]).toEqual([
        'listed',
        `Export list for 127.0.0.1:\n${dir}/export (everyone)\n/etc${' '.repeat(Math.max(1, dir.length + 8 - 4))}(everyone)`,
        '-rw-r--r-- 1 0 0 10 hello.txt',
        'listed',
      ]);
      // mountd refuses `/` (MNT3ERR_ACCES): nfs-ls fails.
      expect(said[3]).toMatch(/^exit [1-9]/);
      expect(read).toEqual(['hello nfs', 'hello nfs']);
    });

    it('labels every flow onc-rpc, TCP and UDP, on ports that say postgresql and redis', () => {
      for (const flow of [...abuse.flows, ...ordinary.flows])
        expect(flow.protocol, `${flow.transport} ${flow.client.port} > ${flow.server.port}`).toBe('onc-rpc');
      const servers = new Set(abuse.flows.map((f) => `${f.transport}/${f.server.port}`));
      for (const server of ['tcp/111', 'udp/111', `tcp/${nfsPort}`, `tcp/${mountPort}`])
        expect(servers).toContain(server);
      const operations = new Set([...abuse.flows, ...ordinary.flows].flatMap((f) => f.l7?.operations ?? []));
      for (const op of [
        'portmap DUMP',
        'portmap GETPORT mount',
        'mount EXPORT',
        `mount MNT ${dir}/export`,
        'mount MNT /',
        'mount MNT MNT3ERR_ACCES',
        'mount MNT /etc',
        'mount MNT MNT3_OK',
        'nfs3 READDIRPLUS',
        'nfs3 READ NFS3_OK',
        'nfs4 COMPOUND PUTFH,READ',
        'nfs4 COMPOUND PUTROOTFH,LOOKUP,LOOKUP,LOOKUP,GETATTR,GETFH',
        'portmap CALLIT nfs3 NULL',
      ])
        expect(operations, op).toContain(op);
    });

    it('reports root claimed, / asked for, /etc mounted, kubelet reached, enumeration, CALLIT and uid hopping', () => {
      const told = abuse.threats.map((t) => `${t.threat} ${t.severity} ${t.evidence}`);
      const has = (pattern: RegExp) =>
        expect(
          told.some((t) => pattern.test(t)),
          `${pattern} in ${told.join('\n')}`,
        ).toBe(true);
      has(/^nfs-abuse critical .* mounted \/etc \(MNT3_OK\)/);
      has(/^nfs-abuse high .* asked mountd to mount \/ \(under \/\)/);
      has(/^nfs-abuse high .* claimed uid 0 \(AUTH_SYS, machine "libnfs"\) calling (mount MNT|nfs3 )/);
      has(/^nfs-abuse medium .* listed every RPC program and its port \(portmap DUMP\)/);
      has(/^nfs-abuse (high|medium) .* (claimed uid 0|listed the exports).* mount EXPORT/);
      has(/^nfs-abuse medium .* asked the portmapper to forward a call \(portmap CALLIT nfs3 NULL\)/);
      has(
        /^nfs-abuse critical .* reached \/var\/lib\/kubelet(\/token)? over NFS v4 \(under \/var\/lib\/kubelet; NFS4_OK/,
      );
      has(/^nfs-uid-hopping high .* as 5 distinct AUTH_SYS uids within 60 s \(0, 1000, 1001, 1002, 1003; /);
      expect(ordinary.threats.map((t) => [t.threat, t.evidence])).toEqual([]);
    });

    it.skipIf(!ndpiAvailable())(
      "prints nDPI's labels beside ours, and agrees where nDPI read the bytes",
      () => {
        for (const capture of [abuse, ordinary]) {
          const ndpi = runNdpi(capture.pcap);
          console.log(
            `nDPI on the ONC RPC flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${capture.flows.map((f) => f.protocol).join(', ')}`,
          );
          for (const flow of ndpi.filter((f) => f.confidence === 'DPI'))
            expect(ourIdOf(flow), flow.b).toBe('onc-rpc');
        }
      },
    );
  },
);
