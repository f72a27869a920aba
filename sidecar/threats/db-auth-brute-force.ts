/**
 * Password guessing: repeated failed logins from one client to one server, on databases (MySQL, PostgreSQL, SQL
 * Server, MongoDB, Redis, ClickHouse), on servers with logins of their own (SMTP AUTH, FTP, POP3, IMAP, Telnet) and on
 * directories (LDAP binds, Kerberos AS exchanges refused for the password or the account: kerberos-errors.ts), on SOCKS5 proxies and VNC servers, on SMB file servers (NTLM or
 * SMB1 session setups refused with STATUS_LOGON_FAILURE or STATUS_ACCOUNT_*: smb-flow.ts), on SNMP agents
 * (community guessing: snmp.ts), on STOMP brokers (a CONNECT answered by ERROR: stomp-parser.ts), on SIP registrars
 * (a REGISTER or INVITE with digest credentials answered 401, 407 or 403: sip-parser.ts), and on RADIUS servers (an
 * Access-Request answered by an Access-Reject: radius-parser.ts).
 */
import { z } from 'zod';
import { readsEvery, readsFirst } from '../engine/event-read.ts';
import { allowList } from './allowed-servers.ts';
import { callersOf, detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';
import { advanceEpisode, episode } from './window/episode.ts';
import { addToRate, rateWindow } from './window/rate-window.ts';

const config = detectorConfig('high', {
  windowMs: z.number().int().positive().default(60_000),
  /**
   * Callers not counted (an address, CIDR, or either with :port): a prober, or a proxy that is not in the trusted
   * proxies and through which many callers fail.
   */
  allowClients: allowList(),
  /** Failed logins within the window that start an episode. */
  threshold: z.number().int().positive().default(10),
});

const pair = () => ({ rate: rateWindow(), episode: episode(), users: new Set<string>() });

/** An SNMP agent refuses a wrong community by never answering it, a wrong SNMPv3 key or user with a Report (snmp.ts). */
const evidenceOf = (dialect: string, level: number, users: number, windowMs: number): string =>
  dialect === 'snmp'
    ? `${level} refused SNMP logins (communities never answered, or SNMPv3 users or keys refused) within ${windowMs} ms`
    : `${level} failed ${dialect} logins within ${windowMs} ms for ${users} user name(s)`;

export const dbAuthBruteForce: Threat<
  typeof config,
  ReturnType<typeof boundedMap<ReturnType<typeof pair>>>
> = {
  id: 'db-auth-brute-force',
  on: ['db-auth'],
  // MySQL, PostgreSQL, SQL Server, SMTP, FTP, POP3, IMAP, Telnet, LDAP and Kerberos: every reply (a re-login can come late; SQL Server's answer to the login comes
  // after a TLS handshake of a few KiB). Redis and MongoDB replies are long (a Redis
  // COMMAND reply is 86 KB), and a client that is not logged in gets nothing but short errors: the first 4 KiB of
  // Redis replies hold 60 to 180 failed-login replies, six or more times the threshold (MongoDB replies are parsed
  // to the summary bound for the flow summary anyway).
  reads: [
    {
      ...readsEvery('db-auth'),
      protocols: [
        'mysql',
        'postgresql',
        'mssql',
        'smtp',
        'ftp',
        'pop3',
        'imap',
        'telnet',
        'ldap',
        'kerberos',
        'snmp',
        'socks',
        'vnc',
        'smb',
        'erlang',
        'clickhouse',
        'stomp',
        'sip',
        'radius',
      ],
    },
    { ...readsFirst('db-auth', 4096), protocols: ['redis', 'mongodb'] },
  ],
  config,
  scope: 'global',
  // One finding per attacked service: guessing at a host's database and at its mail server are two episodes.
  episodes: 'service',
  initialState: () => boundedMap(4096),
  inspect(event, state, { flow, config: c, proxies }): ThreatHit[] {
    if (event.kind !== 'db-auth' || event.ok || flow === undefined) return noHits;
    const hits: ThreatHit[] = [];
    for (const caller of callersOf(flow, event, proxies, c.allowClients)) {
      const item = state.upsert(`${caller.key}>${flow.server.ip}:${flow.server.port}`, pair);
      if (event.user !== undefined && item.users.size < 64) item.users.add(event.user.slice(0, 64));
      const level = addToRate(item.rate, event.ts, c.windowMs);
      const count = advanceEpisode(item.episode, event.ts, level, c.threshold);
      if (count === 0) continue;
      hits.push({
        threat: 'db-auth-brute-force',
        severity: c.severity,
        confidence: 0.9,
        evidence: evidenceOf(event.dialect, level, item.users.size, c.windowMs),
        ts: event.ts,
        count,
        client: flow.client,
        server: flow.server,
        origin: caller.origin,
        originBy: caller.by,
      });
    }
    return hits;
  },
};
