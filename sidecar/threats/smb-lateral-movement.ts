/**
 * Lateral movement over SMB (MITRE ATT&CK T1021.002 SMB/Windows Admin Shares, T1569.002 Service Execution, T1570
 * Lateral Tool Transfer): a pod reaching another host's administrative shares (`ADMIN$`, `C$` and the other drive
 * shares) or opening a remote-administration pipe on `IPC$` (`svcctl`: PsExec, Impacket's psexec and smbexec;
 * `atsvc`: atexec's scheduled tasks; `winreg`). A service-control pipe after a file written to an administrative
 * share is PsExec's chain (upload, then create and start a service) and reported at `chain` (critical); enumeration
 * pipes (`samr`, `lsarpc`, `srvsvc`: users, SIDs and shares, T1087, T1135) at `enumeration`. Global, one finding per
 * client and server: PsExec writes its service on one connection and drives it over others, and the login naming
 * the user may be on a third. Management hosts go in `allowClients` and `allowServers`.
 */
import { z } from 'zod';
import type { Severity } from '#core/finding.ts';
import type { SmbEvent } from '../events.ts';
import { isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, noHits, severityOrOff, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';

const config = detectorConfig('high', {
  /** A service-control pipe opened after a file was written to an administrative share: PsExec's chain. */
  chain: severityOrOff.default('critical'),
  /** Enumeration pipes opened (users, SIDs, shares). */
  enumeration: severityOrOff.default('medium'),
  /** Pipes and RPC interfaces of remote administration (compared lower-cased, without `\PIPE\`). */
  adminPipes: z.array(z.string()).default(['svcctl', 'atsvc', 'itaskschedulerservice', 'winreg']),
  /** Pipes and RPC interfaces that enumerate accounts and shares. */
  enumerationPipes: z.array(z.string()).default(['samr', 'lsarpc', 'srvsvc']),
  /** Management hosts allowed to do this: an address, or address:port. */
  allowClients: z.array(z.string()).default([]),
  allowServers: z.array(z.string()).default([]),
});
type Config = z.infer<typeof config>;

/** What one client did to one server so far: who logged in, what it wrote to an administrative share. */
type Pair = { user?: string; wrote?: string };

const pipeRoles: Readonly<Record<string, string>> = {
  svcctl: 'service control: PsExec, Impacket psexec and smbexec',
  atsvc: 'scheduled tasks: atexec',
  itaskschedulerservice: 'scheduled tasks: atexec',
  winreg: 'the remote registry',
  samr: 'account enumeration',
  lsarpc: 'SID and account lookup',
  srvsvc: 'share enumeration',
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

/** The pipe (on IPC$) or RPC interface the event names, when it names one. */
const pipeOf = (event: SmbEvent): string | undefined => {
  if (event.rpc !== undefined) return pipeName(event.rpc);
  return event.command === 'create' && event.pipe === true && event.name !== undefined
    ? pipeName(event.name)
    : undefined;
};

const pipeHits = (event: SmbEvent, pipe: string, pair: Pair, c: Config, as: string): ThreatHit[] => {
  const where = event.share === undefined ? '' : ` on ${event.share}`;
  const what = `opened the ${pipe} pipe (${pipeRoles[pipe] ?? 'remote administration'})${where}${refusal(event)}`;
  if (c.enumerationPipes.includes(pipe)) return hit(c.enumeration, 0.6, `${what} as ${as}`, event.ts);
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
    const pipe = pipeOf(event);
    return pipe === undefined ? shareHits(event, pair, c, as) : pipeHits(event, pipe, pair, c, as);
  },
};
