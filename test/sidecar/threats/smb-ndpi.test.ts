/**
 * SMB for real, side by side with nDPI: Debian's Samba 4.17 (smbd, configured by the test in a temp dir: its own
 * passdb, lock, state and cache dirs, a user made with smbpasswd) in a "server" namespace on port 5432, a port that
 * belongs to PostgreSQL, and clients in a "pod" namespace: smbclient over SMB3 (listing and getting a file) and over
 * SMB1 (NT1), twelve wrong passwords, then Impacket's psexec (through a DNAT from 445, the only ports it accepts),
 * samrdump and lookupsid. A second smbd with encryption offered (on 8080) shows the transform header; two smbclient
 * sessions and hydra's guessing on 445 show what nDPI names SMB on its own port. Captured with tcpdump on the server side, read by our
 * engine and by ndpiReader.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { DbAuthEvent, ProtocolEvent, SmbEvent } from '#sidecar/events.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { smbLateralMovement } from '#sidecar/threats/smb-lateral-movement.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { type NdpiFlow, ndpiAvailable, ourIdOf, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { flow, runThreat } from './threat-factories.ts';

const examples = '/usr/share/doc/python3-impacket/examples';
const unavailable =
  netnsUnavailable(['tcpdump', 'ss', 'iptables', 'smbd', 'smbclient', 'smbpasswd']) ??
  (existsSync(`${examples}/psexec.py`)
    ? undefined
    : 'Impacket examples missing (apt-get install python3-impacket)') ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

const server = '10.62.0.1';
const password = 'S3cret-pass';

/** A Samba configuration whose every path is under `dir`: nothing system-wide is read or written. */
const sambaConfig = (dir: string, ports: string, encrypt: 'off' | 'default'): string => {
  for (const sub of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'log']) mkdirSync(join(dir, sub));
  for (const share of ['share', 'admin', 'c']) mkdirSync(join(dir, share), { mode: 0o777 });
  execFileSync('chmod', ['777', join(dir, 'admin'), join(dir, 'c')]);
  writeFileSync(join(dir, 'share', 'hello.txt'), 'hello from meshward\n');
  // The SMB user alice is the Unix account nobody (smbpasswd needs one); her password lives in this passdb only.
  writeFileSync(join(dir, 'users.map'), 'nobody = alice\n');
  const conf = join(dir, 'smb.conf');
  writeFileSync(
    conf,
    `[global]
  netbios name = MWTEST
  workgroup = MWLAB
  server role = standalone server
  passdb backend = tdbsam:${dir}/private/passdb.tdb
  private dir = ${dir}/private
  lock directory = ${dir}/lock
  state directory = ${dir}/state
  cache directory = ${dir}/cache
  pid directory = ${dir}/pid
  ncalrpc dir = ${dir}/ncalrpc
  log file = ${dir}/log/log.%m
  smb ports = ${ports}
  interfaces = ${server}/24
  bind interfaces only = yes
  disable netbios = yes
  server min protocol = NT1
  client min protocol = NT1
  load printers = no
  printcap name = /dev/null
  map to guest = never
  username map = ${dir}/users.map
  server smb encrypt = ${encrypt}
  # hydra's smb module answers with NTLMv1, which Samba 4.17 refuses by default (ntlmv2-only) even for the password.
  ntlm auth = yes
[share]
  path = ${dir}/share
  read only = yes
[ADMIN$]
  path = ${dir}/admin
  read only = no
[C$]
  path = ${dir}/c
  read only = no
`,
  );
  execFileSync('smbpasswd', ['-c', conf, '-a', '-s', 'nobody'], { input: `${password}\n${password}\n` });
  return conf;
};

/** tcpdump on the server side with whole packets: veth hands it segments of up to 64 KiB (GSO), and a cut one is a gap. */
const capture = async (ns: Netns, dev: string, pcap: string): Promise<() => Promise<void>> => {
  const child: ChildProcess = ns.spawn('tcpdump', [
    '-i',
    dev,
    '--immediate-mode',
    '-s',
    '0',
    '-B',
    '32768',
    '-U',
    '-n',
    '-w',
    pcap,
    'tcp',
  ]);
  await tcpdumpListening(child);
  return () => stopTcpdump(child);
};

type Seen = { port: number; serverPort: number; event: ProtocolEvent };

describe.skipIf(unavailable !== undefined)(
  `SMB file sharing, password guessing and PsExec against Samba, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-smb-'));
    const said: Record<string, string> = {};
    const seen: Seen[] = [];
    let flows: FlowFinding[] = [];
    let threats: ThreatFinding[] = [];
    let ndpi: NdpiFlow[] = [];

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      lab = createKernelLab({ prefix: 'mwb', server, client: '10.62.0.2' });
      const { serverNs, clientNs } = lab;
      const plain = join(dir, 'plain');
      const sealed = join(dir, 'sealed');
      mkdirSync(plain);
      mkdirSync(sealed);
      // smbd works as alice's Unix account (nobody), which must reach the shares through the temp dir.
      execFileSync('chmod', ['755', dir, plain, sealed]);
      const plainConf = sambaConfig(plain, '5432 445', 'off');
      const sealedConf = sambaConfig(sealed, '8080', 'default');
      // In the foreground, its log in the temp dir (no pipe left to fill); the namespace's end kills it.
      for (const conf of [plainConf, sealedConf])
        serverNs.spawn('smbd', ['--foreground', '--no-process-group', '-s', conf, '-d', '1']);
      await waitForListen(serverNs, 5432);
      await waitForListen(serverNs, 8080);
      const pcap = join(dir, 'smb.pcap');
      const stop = await capture(serverNs, lab.serverDev, pcap);
      // Each call is one connection; the client reads the plain config only for its own NetBIOS name and protocols.
      const run = (name: string, command: string, args: string[]) => {
        try {
          said[name] = clientNs.exec(command, args, { timeoutMs: 60_000 });
        } catch (error) {
          const e = error as { stdout?: string; stderr?: string };
          said[name] = `${e.stdout ?? ''}${e.stderr ?? ''}`;
        }
      };
      const smbclient = (name: string, port: string, user: string, ...args: string[]) =>
        run(name, 'smbclient', ['-s', plainConf, '-p', port, `//${server}/share`, '-U', user, ...args]);
      smbclient('smb3', '5432', `alice%${password}`, '-c', `ls; get hello.txt ${join(dir, 'got.txt')}`);
      smbclient('smb1', '5432', `alice%${password}`, '-m', 'NT1', '-c', 'ls');
      for (let i = 0; i < 12; i++) smbclient(`wrong${i}`, '5432', `alice%guess-${i}`, '-c', 'ls');
      smbclient('sealed', '8080', `alice%${password}`, '--client-protection=encrypt', '-c', 'ls');
      smbclient('port445-smb3', '445', `alice%${password}`, '-c', 'ls');
      // Share listing, as a user browses: srvsvc's NetrShareEnum (SMB1's workgroup listing left out).
      run('listing', 'smbclient', [
        '-s',
        plainConf,
        '-p',
        '5432',
        '-L',
        `//${server}`,
        '-U',
        `alice%${password}`,
        '--option=client min protocol=SMB2',
      ]);
      // What enum4linux runs: rpcclient's server info and shares (browsing), then sessions, users and the policy.
      run('rpcclient', 'rpcclient', [
        '-s',
        plainConf,
        '-p',
        '5432',
        '-U',
        `alice%${password}`,
        '-c',
        'srvinfo;netshareenumall;netsessenum;enumdomusers;lsaquery',
        server,
      ]);
      smbclient('port445-smb1', '445', `alice%${password}`, '-m', 'NT1', '-c', 'ls');
      // hydra's smb module (SMB1, the account in the clear, LM and NTLM responses): twelve wrong passwords, the right one.
      const words = join(dir, 'words');
      writeFileSync(words, `${[...Array(12).keys()].map((i) => `hydra-${i}`).join('\n')}\n${password}\n`);
      run('hydra', 'hydra', ['-l', 'alice', '-P', words, '-s', '445', '-t', '1', server, 'smb']);
      // Impacket's examples accept only ports 139 and 445: the pod's 445 is sent to the server's 5432.
      clientNs.exec('iptables', [
        '-t',
        'nat',
        '-A',
        'OUTPUT',
        '-p',
        'tcp',
        '-d',
        server,
        '--dport',
        '445',
        '-j',
        'DNAT',
        '--to-destination',
        `${server}:5432`,
      ]);
      const impacket = (name: string, script: string, ...args: string[]) =>
        run(name, '/usr/bin/python3', [`${examples}/${script}`, `alice:${password}@${server}`, ...args]);
      impacket('psexec', 'psexec.py', 'whoami');
      impacket('samrdump', 'samrdump.py');
      impacket('lookupsid', 'lookupsid.py', '1100');
      await stop();
      const { findings } = await inspectFile(pcap, {
        observers: [
          createThreatRunner(),
          {
            onEvent: (flow, event) =>
              seen.push({ port: flow.client.port, serverPort: flow.server.port, event }),
          },
        ],
      });
      ({ flows, threats } = splitFindings(findings));
      ndpi = runNdpi(pcap);
    }, 300_000);

    const smbEvents = (serverPort = 5432) =>
      seen
        .filter((s) => s.serverPort === serverPort && s.event.kind === 'smb')
        .map((s) => s.event as SmbEvent);
    const logins = () => seen.filter((s) => s.event.kind === 'db-auth').map((s) => s.event as DbAuthEvent);

    it('the clients did what they were told: a file got over SMB3 and SMB1 listings; wrong passwords refused', () => {
      expect(readFileSync(join(dir, 'got.txt'), 'utf8')).toBe('hello from meshward\n');
      expect(said.smb1).toContain('hello.txt');
      expect(said.wrong0).toContain('NT_STATUS_LOGON_FAILURE');
      expect(said.sealed).toContain('hello.txt');
    });

    it('names every connection smb, on 5432, 445 and 8080 alike', () => {
      const ports = new Set(flows.map((f) => f.server.port));
      expect([...ports].sort()).toEqual([445, 5432, 8080]);
      expect(flows.every((f) => f.protocol === 'smb')).toBe(true);
      expect(flows.length).toBeGreaterThanOrEqual(19);
    });

    it('reads the SMB3 session: dialects, the NTLM login with its user, the share and the file', () => {
      const smb3 = flows.find(
        (f) => f.l7?.smb?.commands?.includes('read') && f.l7.smb.dialects?.includes('3.1.1'),
      );
      expect(smb3?.l7?.smb).toMatchObject({
        shares: [`\\\\${server}\\IPC$`, `\\\\${server}\\share`],
        users: ['MWLAB\\alice'],
      });
      expect(smbEvents()).toContainEqual(
        expect.objectContaining({ command: 'create', name: 'hello.txt', ok: true }),
      );
    });

    it('reads the SMB1 session and reports the insecure version', () => {
      const offers = smbEvents().filter(
        (e) => e.version === 1 && e.command === 'negotiate' && e.direction === 'to-server',
      );
      expect(offers.map((e) => e.dialects)).toContainEqual(['NT LANMAN 1.0', 'NT LM 0.12']);
      const v1 = threats.filter((t) => t.threat === 'smb-v1');
      console.log(`smb-v1: ${v1.map((t) => `${t.server.port} ${t.evidence}`).join('; ')}`);
      // Samba answers NT1 by the first of its names the client offered: NT LANMAN 1.0. One finding per flow: the
      // smbclient session on each port, and each of hydra's connections on 445.
      const told = new Set(v1.map((t) => `${t.server.port} ${t.severity} ${t.evidence}`));
      expect(told).toEqual(
        new Set([
          '445 medium server negotiated SMB1 (dialect NT LANMAN 1.0)',
          '5432 medium server negotiated SMB1 (dialect NT LANMAN 1.0)',
        ]),
      );
      expect(v1.filter((t) => t.server.port === 5432)).toHaveLength(1);
      expect(v1.filter((t) => t.server.port === 445).length).toBeGreaterThanOrEqual(14);
    });

    it("tells twelve refused logins from smbclient and twelve from hydra, and reports each service's guessing", () => {
      console.log(`hydra said:\n${said.hydra}`);
      expect(said.hydra).toContain(`login: alice   password: ${password}`);
      const refused = logins().filter((e) => !e.ok);
      expect(refused.map((e) => `${e.user} ${e.message}`)).toEqual([
        ...Array(12).fill('MWLAB\\alice STATUS_LOGON_FAILURE'),
        ...Array(12).fill('alice STATUS_LOGON_FAILURE'),
      ]);
      expect(refused.every((e) => e.dialect === 'smb')).toBe(true);
      const brute = threats.filter((t) => t.threat === 'db-auth-brute-force');
      expect(brute.map((t) => t.server.port).sort()).toEqual([445, 5432]);
      for (const t of brute)
        expect(t.evidence).toMatch(/^1[0-2] failed smb logins within 60000 ms for 1 user name\(s\)$/);
    });

    it('says where encryption starts and reads nothing after it', () => {
      const sealed = smbEvents(8080);
      expect(
        sealed
          .filter((e) => e.command === 'encrypted')
          .map((e) => e.direction)
          .sort(),
      ).toEqual(['to-client', 'to-server']);
      expect(sealed.some((e) => e.command === 'tree-connect')).toBe(false);
    });

    it("reads PsExec's chain as it happened: ADMIN$ found writable, the service uploaded, svcctl opened and bound", () => {
      console.log(`psexec said:\n${said.psexec}`);
      expect(said.psexec).toContain('Found writable share ADMIN$');
      // Samba serves svcctl but refuses OpenSCManagerW to a user who is not an administrator: no service is made.
      expect(said.psexec).toContain('Error opening SVCManager');
      const events = smbEvents();
      const upload = events.find(
        (e) =>
          e.command === 'create' &&
          e.write === true &&
          e.share?.endsWith('\\ADMIN$') &&
          /\.exe$/.test(e.name ?? ''),
      );
      expect(upload).toMatchObject({ ok: true, pipe: false });
      expect(events).toContainEqual(
        expect.objectContaining({ command: 'create', name: 'svcctl', pipe: true, ok: true }),
      );
      expect(events).toContainEqual(expect.objectContaining({ command: 'write', rpc: 'svcctl' }));
      expect(events).toContainEqual(expect.objectContaining({ command: 'write', rpc: 'samr' }));
      expect(events).toContainEqual(expect.objectContaining({ command: 'write', rpc: 'lsarpc' }));
      const moved = threats.filter((t) => t.threat === 'smb-lateral-movement');
      expect(moved).toHaveLength(1);
      expect(moved[0]).toMatchObject({ severity: 'critical', confidence: 1 });
      expect(moved[0]?.evidence).toBe(
        `opened the svcctl pipe (service control: PsExec, Impacket psexec and smbexec) on \\\\${server}\\IPC$ after writing ${upload?.name} to \\\\${server}\\ADMIN$ as alice: the PsExec chain`,
      );
    });

    it('tells share listing apart from reconnaissance: smbclient -L is no finding, rpcclient, samrdump and lookupsid are', () => {
      console.log(`smbclient -L said:\n${said.listing}\nrpcclient said:\n${said.rpcclient}`);
      expect(said.listing).toContain('ADMIN$');
      const flowsOf = new Map<number, SmbEvent[]>();
      for (const s of seen.filter((s) => s.serverPort === 5432 && s.event.kind === 'smb'))
        flowsOf.set(s.port, [...(flowsOf.get(s.port) ?? []), s.event as SmbEvent]);
      const calls = (events: SmbEvent[]) =>
        events.flatMap((e) => (e.call === undefined ? [] : [`${e.rpc} ${e.call}`]));
      for (const [port, events] of flowsOf)
        if (calls(events).length > 0) console.log(`${port}: ${calls(events).join(', ')}`);
      const flows = [...flowsOf.values()];
      const hitsOf = (events: SmbEvent[]) =>
        runThreat(smbLateralMovement, events, { flow: flow({ protocol: 'smb' }) }).map(
          (h) => `${h.severity} ${h.evidence}`,
        );
      // smbclient -L: srvsvc opened and bound, the shares listed; nothing else on the pipe.
      const listing = flows.filter((events) => calls(events).join() === 'srvsvc NetrShareEnum');
      expect(listing).toHaveLength(1);
      expect(listing[0]).toContainEqual(
        expect.objectContaining({ command: 'create', name: 'srvsvc', pipe: true }),
      );
      expect(hitsOf(listing[0] ?? [])).toEqual([]);
      // rpcclient: the same listing, then sessions, users and the domain policy, each told.
      const rpcclient = flows.find((events) => calls(events).includes('srvsvc NetrSessionEnum')) ?? [];
      expect(calls(rpcclient)).toEqual(
        expect.arrayContaining([
          'srvsvc NetrShareEnum',
          'samr SamrEnumerateUsersInDomain',
          'lsarpc LsarQueryInformationPolicy',
        ]),
      );
      expect(hitsOf(rpcclient)).toEqual([
        'medium called NetrSessionEnum on the srvsvc pipe (shares and sessions) as MWLAB\\alice',
        'medium called SamrEnumerateDomainsInSamServer on the samr pipe (accounts and groups) as MWLAB\\alice',
        'medium called SamrEnumerateUsersInDomain on the samr pipe (accounts and groups) as MWLAB\\alice',
        'medium called LsarQueryInformationPolicy on the lsarpc pipe (SIDs and the domain policy) as MWLAB\\alice',
      ]);
      // Impacket's samrdump enumerates the users; lookupsid asks for the domain's SID (a standalone Samba has no
      // domain, and lookupsid stops there, before its SID lookups).
      const all = flows.flatMap(calls);
      expect(all).toEqual(
        expect.arrayContaining([
          'samr SamrEnumerateDomainsInSamServer',
          'samr SamrEnumerateUsersInDomain',
          'lsarpc LsarOpenPolicy2',
          'lsarpc LsarQueryInformationPolicy2',
        ]),
      );
    });

    it('nDPI 4.2 names SMB only on 445 (SMBv1 with its risk, SMBv23), and the rest by port', () => {
      const lines = ndpi
        .map((f) => `${f.b.split(':')[1]} ${f.app} ${f.confidence} [${f.risks.join(', ')}]`)
        .sort();
      console.log(`nDPI on the SMB capture:\n${[...new Set(lines)].join('\n')}`);
      const on = (port: number) => ndpi.filter((f) => f.b.endsWith(`:${port}`));
      expect(on(445).every((f) => ourIdOf(f) === 'smb')).toBe(true);
      const tally: Record<string, number> = {};
      for (const f of on(445))
        tally[`${f.app} ${f.confidence}`] = (tally[`${f.app} ${f.confidence}`] ?? 0) + 1;
      // smbclient's SMB3 session; smbclient's SMB1 session and hydra's thirteen logins; hydra's first connection, an
      // SMB1 negotiate and nothing more, which nDPI names by the port alone (and SMBv23 at that).
      expect(tally).toEqual({ 'SMBv23 DPI': 1, 'SMBv1 DPI': 14, 'SMBv23 Match by port': 1 });
      const ours = flows.filter((f) => f.server.port === 445);
      expect(ours.map((f) => f.protocol)).toEqual(Array(16).fill('smb'));
      // Oddly, also "Known Protocol on Non Standard Port" and "Unsafe Protocol" for SMBv1 on its own port.
      for (const f of on(445).filter((f) => f.app === 'SMBv1'))
        expect(f.risks).toEqual([
          'Known Protocol on Non Standard Port',
          'SMB Insecure Version',
          'Unsafe Protocol',
        ]);
      // nDPI has no login failure risk for SMB: hydra's guessing is only SMBv1 flows to it.
      // Off 445 its dissector never looks: PsExec, the guessing and the SMB1 session on 5432 are PostgreSQL by port.
      expect(new Set(on(5432).map((f) => `${f.app} ${f.confidence} ${f.risks.length}`))).toEqual(
        new Set(['PostgreSQL Match by port 0']),
      );
      expect(on(5432).length).toBeGreaterThanOrEqual(17);
      expect(new Set(on(8080).map((f) => `${f.app} ${f.confidence}`))).toEqual(
        new Set(['HTTP_Proxy Match by port']),
      );
    });
  },
);
