/**
 * Lateral movement over SMB (MITRE ATT&CK T1021.002 SMB/Windows Admin Shares, T1569.002 Service Execution, T1570
 * Lateral Tool Transfer): a pod reaching another host's administrative shares (`ADMIN$`, `C$` and the other drive
 * shares) or opening a remote-administration pipe on `IPC$` (`svcctl`: PsExec, Impacket's psexec and smbexec;
 * `atsvc`: atexec's scheduled tasks; `winreg`), and the calls that create a remote service or task there. A
 * service-control pipe after a file written to an administrative share is PsExec's chain (upload, then create and
 * start a service) and reported at `chain` (critical). Reconnaissance (T1087 account discovery, T1069 groups, T1033
 * logged-on users) is told by the DCE/RPC operations called, at `enumeration`: samr user and group enumeration,
 * lsarpc SID lookups and policy queries, srvsvc session, connection and file enumeration, wkssvc logged-on users, as
 * BloodHound's collectors, enum4linux and Impacket's samrdump and lookupsid call them. Opening srvsvc or lsarpc, or
 * listing shares (NetrShareEnum: Windows Explorer, smbclient -L), is ordinary browsing and not told. Global, one
 * finding per client and server: PsExec writes its service on one connection and drives it over others, and the
 * login naming the user may be on a third. Management hosts go in `allowClients` and `allowServers`.
 */
import { z } from 'zod';
import type { Severity } from '#core/finding.ts';
import type { SmbEvent } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, noHits, severityOrOff, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';

const config = detectorConfig('high', {
  /** A service-control pipe opened after a file was written to an administrative share: PsExec's chain. */
  chain: severityOrOff.default('critical'),
  /** Reconnaissance calls made (`reconCalls`: accounts, groups, SIDs, sessions, logged-on users). */
  enumeration: severityOrOff.default('medium'),
  /** Pipes and RPC interfaces of remote administration (compared lower-cased, without `\PIPE\`). */
  adminPipes: z.array(z.string()).default(['svcctl', 'atsvc', 'itaskschedulerservice', 'winreg']),
  /** DCE/RPC operations that create or start a remote service or task (dcerpc-request.ts names them). */
  adminCalls: z
    .array(z.string())
    .default([
      'RCreateServiceW',
      'RCreateServiceA',
      'RCreateServiceWOW64W',
      'RCreateServiceWOW64A',
      'RChangeServiceConfigW',
      'RStartServiceW',
      'NetrJobAdd',
      'SchRpcRegisterTask',
      'SchRpcRun',
    ]),
  /** DCE/RPC operations of reconnaissance; ordinary browsing (NetrShareEnum, NetrServerGetInfo) is not among them. */
  reconCalls: z
    .array(z.string())
    .default([
      'SamrEnumerateDomainsInSamServer',
      'SamrEnumerateUsersInDomain',
      'SamrEnumerateGroupsInDomain',
      'SamrEnumerateAliasesInDomain',
      'SamrGetMembersInGroup',
      'SamrGetMembersInAlias',
      'SamrGetGroupsForUser',
      'SamrLookupIdsInDomain',
      'SamrQueryDisplayInformation',
      'SamrQueryDisplayInformation2',
      'SamrQueryDisplayInformation3',
      'LsarLookupSids',
      'LsarLookupSids2',
      'LsarLookupSids3',
      'LsarQueryInformationPolicy',
      'LsarQueryInformationPolicy2',
      'LsarEnumerateAccounts',
      'LsarEnumerateAccountsWithUserRight',
      'LsarEnumerateTrustedDomains',
      'LsarEnumerateTrustedDomainsEx',
      'NetrSessionEnum',
      'NetrConnectionEnum',
      'NetrFileEnum',
      'NetrWkstaUserEnum',
    ]),
  /** Management hosts allowed to do this: an address, address:port, CIDR (10.42.0.0/16) or CIDR:port. */
  allowClients: allowList(),
  allowServers: allowList(),
});
type Config = z.infer<typeof config>;

/** What one client did to one server so far: who logged in, what it wrote to an administrative share. */
type Pair = { user?: string; wrote?: string };

const pipeRoles: Readonly<Record<string, string>> = {
  svcctl: 'service control: PsExec, Impacket psexec and smbexec',
  atsvc: 'scheduled tasks: atexec',
  itaskschedulerservice: 'scheduled tasks: atexec',
  winreg: 'the remote registry',
  samr: 'accounts and groups',
  lsarpc: 'SIDs and the domain policy',
  srvsvc: 'shares and sessions',
  wkssvc: 'the workstation and its users',
};

/** The share's name from its path (`\\host\C$` → `C$`), upper-cased. */
const shareName = (path: string | undefined): string =>
  (path ?? '').slice((path ?? '').lastIndexOf('\\') + 1).toUpperCase();

/** `ADMIN$` and the drive shares `C$`, `D$`... */
const isAdminShare = (path: string | undefined): boolean => {
  const name = shareName(path);
  return (
    name === 'ADMIN$' ||
    (name.length === 2 && name[1] === '$' && name[0] !== undefined && /[A-Z]/.test(name[0]))
  );
};

/** A pipe's or interface's name, lower-cased, without its leading `\` or `\PIPE\`. */
const pipeName = (name: string): string => {
  const lower = name.toLowerCase().replace(/^\\+/, '');
  return lower.startsWith('pipe\\') ? lower.slice(5) : lower;
};

const refusal = (event: SmbEvent): string => (event.ok === false ? ` (refused: ${event.status})` : '');

const hit = (severity: Severity | 'off', confidence: number, evidence: string, ts: number): ThreatHit[] =>
  severity === 'off'
    ? noHits
    : [{ threat: 'smb-lateral-movement', severity, confidence, evidence: evidence.slice(0, 500), ts }];

/** The pipe (on IPC$) or RPC interface the event opens or binds, when it does. */
const pipeOf = (event: SmbEvent): string | undefined => {
  if (event.rpc !== undefined) return pipeName(event.rpc);
  return event.command === 'create' && event.pipe === true && event.name !== undefined
    ? pipeName(event.name)
    : undefined;
};

/** A DCE/RPC operation called on a bound pipe: reconnaissance, or a remote service or task made. */
const callHits = (event: SmbEvent, call: string, pair: Pair, c: Config, as: string): ThreatHit[] => {
  const pipe = pipeName(event.rpc ?? '');
  const what = `called ${call} on the ${pipe} pipe (${pipeRoles[pipe] ?? 'remote administration'}) as ${as}`;
  if (c.reconCalls.includes(call)) return hit(c.enumeration, 0.7, what, event.ts);
  if (!c.adminCalls.includes(call)) return noHits;
  const chained = pair.wrote !== undefined && pipe === 'svcctl';
  if (chained) return hit(c.chain, 1, `${what} after writing ${pair.wrote}: the PsExec chain`, event.ts);
  return hit(c.severity, 1, what, event.ts);
};

const pipeHits = (event: SmbEvent, pipe: string, pair: Pair, c: Config, as: string): ThreatHit[] => {
  const where = event.share === undefined ? '' : ` on ${event.share}`;
  const what = `opened the ${pipe} pipe (${pipeRoles[pipe] ?? 'remote administration'})${where}${refusal(event)}`;
  if (!c.adminPipes.includes(pipe)) return noHits;
  if (pair.wrote !== undefined && pipe === 'svcctl' && event.ok !== false)
    return hit(c.chain, 1, `${what} after writing ${pair.wrote} as ${as}: the PsExec chain`, event.ts);
  return hit(c.severity, event.ok === false ? 0.7 : 0.9, `${what} as ${as}`, event.ts);
};

const shareHits = (event: SmbEvent, pair: Pair, c: Config, as: string): ThreatHit[] => {
  if (!isAdminShare(event.share)) return noHits;
  if (event.command === 'tree-connect') {
    const evidence = `reached the administrative share ${event.share}${refusal(event)} as ${as}`;
    return hit(c.severity, event.ok === false ? 0.6 : 0.8, evidence, event.ts);
  }
  if (event.command !== 'create' || event.write !== true || event.ok !== true || !event.name) return noHits;
  pair.wrote = `${event.name.slice(0, 128)} to ${event.share}`;
  return hit(c.severity, 0.85, `wrote ${pair.wrote} as ${as}`, event.ts);
};

export const smbLateralMovement: Threat<typeof config, ReturnType<typeof boundedMap<Pair>>> = {
  id: 'smb-lateral-movement',
  on: ['smb'],
  // Every answer: PsExec's service pipe comes after its upload, deep in a connection.
  reads: [{ kind: 'smb', directions: ['to-server', 'to-client'], depth: 'every', protocols: ['smb'] }],
  config,
  scope: 'global',
  episodes: 'address',
  initialState: () => boundedMap<Pair>(4096),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'smb' || flow === undefined) return noHits;
    if (isAllowedServer(flow.client, c.allowClients) || isAllowedServer(flow.server, c.allowServers))
      return noHits;
    const pair = state.upsert(`${flow.client.ip}>${flow.server.ip}`, () => ({}));
    if (event.command === 'session-setup') {
      if (event.ok === true && event.user !== undefined)
        pair.user = (event.domain === undefined ? event.user : `${event.domain}\\${event.user}`).slice(
          0,
          128,
        );
      return noHits;
    }
    const as = pair.user ?? 'an unnamed user';
    if (event.call !== undefined) return callHits(event, event.call, pair, c, as);
    const pipe = pipeOf(event);
    return pipe === undefined ? shareHits(event, pair, c, as) : pipeHits(event, pipe, pair, c, as);
  },
};
