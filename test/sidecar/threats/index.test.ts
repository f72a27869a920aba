import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { threats } from '#sidecar/threats/index.ts';
import { defaultPolicyDir } from '#sidecar/threats/load-threat-configs.ts';
import type { PacketEvent } from '#sidecar/threats/threat.ts';
import { flow, httpRequest, packet } from './threat-factories.ts';

const issueIds = [
  'sql-injection',
  'xss',
  'path-traversal',
  'command-injection',
  'log4shell',
  'shellshock',
  'insecure-deserialization',
  'ssrf',
  'protocol-mismatch',
  'dns-tunnel',
  'syn-flood',
  'udp-flood',
  'icmp-flood',
  'ping-of-death',
  'port-scan',
  'host-sweep',
  'http-smuggling',
  'slowloris',
  'weak-tls',
  'heartbleed',
  'ssh-v1',
  'dns-zone-transfer',
  'dns-type-null',
  'icmp-tunnel',
  'tcp-syn-with-data',
  'tcp-split-handshake',
  'ip-fragment-attack',
  'db-auth-brute-force',
  // Beyond the issue's list: evasion tricks the reassembly undid (docs/evasion.md).
  'tcp-evasion',
  // Beyond the issue's list: the payload corpus's seventh class (XXE and entity bombs).
  'xml-external-entity',
  // GraphQL APIs: introspection, aliasing and batching brute force, deep nesting.
  'graphql-abuse',
  // Request bodies of text longer than what injection detectors judge (64 KiB), or in a coding not decoded.
  'uninspected-body',
  // Certificates in TLS 1.2 handshakes: expired, self-signed, not covering the SNI, weak signature or key.
  'tls-certificate',
  // API password guessing and authorization probing (HTTP 401/403, gRPC UNAUTHENTICATED/PERMISSION_DENIED).
  'http-auth-brute-force',
  // Passwords and tokens crossing the network unencrypted (not between loopback addresses).
  'cleartext-credentials',
  // SSH key exchange, host key, cipher or MAC that is weak, negotiated or accepted by the server.
  'weak-ssh',
  // Programs, class files and scripts fetched over HTTP or FTP: drift from the image, or an exploit's second stage.
  'executable-download',
  // Protocols that should not be spoken at all (Telnet by default), as nDPI's "Unsafe Protocol" risk.
  'unsafe-protocol',
  // Many service tickets asked for in a short time, to crack the services' passwords offline (T1558.003).
  'kerberoasting',
  // Accounts without Kerberos pre-authentication answered to one client: their replies crack offline (T1558.004).
  'asrep-roasting',
  // A miner in a pod: a Stratum session read from its bytes, or a mining pool's name (T1496).
  'cryptomining',
  // A SOCKS proxy relaying a connection: pivoting through a pod (T1090).
  'socks-proxy',
  // A pod in a BitTorrent swarm: peer wire, DHT, UDP or HTTP tracker; seeding is data leaving it (T1048, T1567).
  'p2p-file-sharing',
  // IRC from a pod: a bot's command channel (T1071).
  'irc-c2',
  // A shell driven over the network: reverse or bind (T1059.004).
  'reverse-shell',
  // A pod reading its node's cloud metadata: the node role's credentials, user data, identity tokens (T1552.005).
  'instance-metadata',
  // A Docker Engine API driven from a pod: containers given the host escape outside admission control (T1610, T1611).
  'docker-api',
  // A pod talking to the cluster's etcd: Secrets read past RBAC, state written past admission (T1552.007, T1613).
  'etcd-access',
  // DNS past the cluster's resolver: DNS over HTTPS, TLS or QUIC (T1071.004, T1572).
  'encrypted-dns',
  // Redis turned against its host: dumps written as SSH keys or cron jobs, modules loaded, Lua sandbox escapes.
  'redis-abuse',
  // Commands run on an Erlang node through its distribution port with its cookie: os:cmd, open_port, code loaded.
  'erlang-rce',
  'jdwp-abuse',
  // NFS and its RPC services from a pod: AUTH_SYS root claims, host paths mounted, listings, NIS maps, CALLIT.
  'nfs-abuse',
  // NFS calls from one client under many AUTH_SYS uids: users impersonated (nfsshell, NfsHack, libnfs ?uid=N).
  'nfs-uid-hopping',
  // A monitoring agent (Zabbix's) made to run commands or read secrets: system.run, vfs.file.contents (T1059, T1552.001).
  'monitoring-agent-abuse',
  // A database copied out whole: mysqldump's and pg_dump's statements, Redis full syncs to a non-replica (T1005).
  'database-dump',
  // A pod opening a VPN: WireGuard or OpenVPN, whose traffic no policy or detector sees (T1572, T1133).
  'vpn-tunnel',
  // SMB version 1 negotiated or the only version offered: EternalBlue's protocol, as nDPI's "SMB Insecure Version".
  'smb-v1',
  // Administrative shares and remote-administration pipes over SMB: PsExec, smbexec, atexec (T1021.002, T1569.002).
  'smb-lateral-movement',
  // BlueKeep against RDP: a client asking for the MS_T120 channel (CVE-2019-0708, T1210).
  'rdp-abuse',
  // Ghostcat over AJP: a request setting the include attributes (CVE-2020-1938, T1190).
  'ajp-abuse',
  // An RDP server accepting Standard RDP Security: no TLS, no Network Level Authentication.
  'weak-rdp',
  // A client's own X-Forwarded-For and cousins claiming the server itself, or from a peer that is no trusted proxy.
  'forwarded-spoofing',
  // HTTP/2 as a weapon: Rapid Reset, PING/SETTINGS/empty-frame floods, CONTINUATION floods, HPACK bombs.
  'http2-abuse',
  // Vulnerability scanners, forced browsing, secret files served, out-of-band callback domains.
  'web-scanner',
  // MongoDB operators in request inputs, and server-side JavaScript sent to MongoDB (OWASP WSTG-INPV-05.6).
  'nosql-injection',
  // Request keys a merge, a path setter or qs turns into writes on Object.prototype (Node.js; CVE-2019-10744).
  'prototype-pollution',
  // A line break and a header line or a second body in a value a server copies into a response or a mail (CWE-113).
  'crlf-injection',
  // Server-side template and expression-language injection: SSTI, OGNL, SpEL, Spring4Shell.
  'template-injection',
  // CBC padding oracle attacks on encrypted tokens: Shiro-721 (CVE-2019-12422), ASP.NET's MS10-070.
  'padding-oracle',
  // A TURN server asked to relay into its own host, link-local and cloud metadata, or the cluster's ranges.
  'turn-relay-abuse',
  // SIP scanners by User-Agent, and extension enumeration (svwar's many refused To users).
  'sip-scan',
  // A RADIUS server answering without Message-Authenticator what came without one: Blast-RADIUS (CVE-2024-3596).
  'radius-blast',
];

const arbitraryEvent: fc.Arbitrary<ProtocolEvent | PacketEvent> = fc.oneof(
  fc
    .record({
      target: fc.string({ maxLength: 200 }),
      header: fc.string({ maxLength: 200 }),
      body: fc.string({ maxLength: 300 }),
    })
    .map(({ target, header, body }) =>
      httpRequest(`/${target}`, {
        headers: [
          ['X-Any', header],
          ['Content-Type', 'application/json'],
        ],
        body,
      }),
    ),
  fc.record({ text: fc.string({ maxLength: 300 }) }).map(
    ({ text }): ProtocolEvent => ({
      kind: 'sql-query',
      ts: 1,
      direction: 'to-server',
      dialect: 'mysql',
      text,
    }),
  ),
  fc
    .record({ name: fc.string({ maxLength: 100 }), type: fc.constantFrom('A', 'NULL', 'TXT', 'AXFR', '') })
    .map(
      ({ name, type }): ProtocolEvent => ({
        kind: 'dns-message',
        ts: 1,
        direction: 'to-server',
        id: 0,
        isResponse: false,
        opcode: 0,
        rcode: 'NOERROR',
        questions: [{ name, type }],
        answers: [],
        size: 0,
        transport: 'udp',
      }),
    ),
  fc
    .record({
      name: fc.string({ maxLength: 40 }),
      sni: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      notAfter: fc.double({ noNaN: false }),
      bits: fc.option(fc.integer({ min: 0, max: 8192 }), { nil: undefined }),
      toClient: fc.boolean(),
    })
    .chain(({ name, sni, notAfter, bits, toClient }) =>
      fc.constantFrom<ProtocolEvent>(
        {
          kind: 'tls-client-hello',
          ts: 1,
          direction: 'to-server',
          version: 'TLS1.2',
          recordVersion: 'TLS1.0',
          ...(sni === undefined ? {} : { sni }),
          alpn: [],
          ja3: '',
          ja3Hash: '',
          ja4: '',
        },
        {
          kind: 'tls-certificate',
          ts: 2,
          direction: toClient ? 'to-client' : 'to-server',
          chain: 1,
          leaf: {
            subject: `CN=${name}`,
            issuer: name,
            commonNames: [name],
            names: [name, `*.${name}`],
            addresses: [name],
            notBefore: 0,
            notAfter,
            serial: '01',
            sha1: name,
            sha256: name,
            keyType: name.length % 2 === 0 ? 'rsa' : 'ec',
            ...(bits === undefined ? {} : { keyBits: bits }),
            signature: name,
            ca: false,
            selfSigned: name.length % 3 === 0,
          },
        },
      ),
    ),
  fc
    .record({
      flags: fc.integer({ min: 0, max: 255 }),
      len: fc.integer({ min: 0, max: 70_000 }),
      offset: fc.integer({ min: 0, max: 65_528 }),
      type: fc.integer({ min: 0, max: 255 }),
      transport: fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6', 'other' as const),
    })
    .map(({ flags, len, offset, type, transport }) =>
      packet({
        tcpFlags: flags,
        payloadLength: len,
        ipLength: len + 20,
        icmpType: type,
        transport,
        fragment: { offset, more: flags % 2 === 0, overlap: flags > 200 },
      }),
    ),
);

describe('threat registry', () => {
  it('holds every detector of the issue (and tcp-evasion), each id once', () => {
    expect(threats.map((t) => t.id).sort()).toEqual([...issueIds].sort());
  });

  it.each(threats.map((t) => [t.id, t] as const))(
    '%s has a YAML policy that its own schema accepts, and an on/off switch',
    (id, threat) => {
      const file = `${defaultPolicyDir}${id}.yaml`;
      expect(existsSync(file)).toBe(true);
      const config = threat.config.parse(parse(readFileSync(file, 'utf8')));
      expect(config).toMatchObject({ enabled: true });
      expect(['info', 'low', 'medium', 'high', 'critical']).toContain(config.severity);
    },
  );

  it('never throws on random events and is deterministic', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEvent, { maxLength: 8 }), (events) => {
        for (const threat of threats) {
          const config = threat.config.parse({});
          const run = () => {
            const state = threat.initialState();
            return events.flatMap((event) => threat.inspect(event, state, { flow: flow(), config }));
          };
          expect(run()).toEqual(run());
        }
      }),
      { numRuns: 150 },
    );
  });
});
