import { describe, expect, it } from 'vitest';
import type { SmbEvent } from '#sidecar/events.ts';
import { smb } from '#sidecar/protocols/smb.ts';
import { smbLateralMovement } from '#sidecar/threats/smb-lateral-movement.ts';
import { feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  createRequest,
  createResponse,
  dcerpcBind,
  dcerpcRequest,
  netbios,
  ntlmAuthenticate,
  sessionSetupRequest,
  sessionSetupResponse,
  spnegoResponse,
  transceiveRequest,
  treeConnectRequest,
  treeConnectResponse,
  writeRequest,
} from '#test/fixtures/protocols/smb-messages.ts';
import { flow, runThreat } from './threat-factories.ts';

const answer = (command: string, fields: Partial<SmbEvent>): SmbEvent => ({
  kind: 'smb',
  ts: 1,
  direction: 'to-client',
  version: 2,
  command,
  status: 'STATUS_SUCCESS',
  ok: true,
  ...fields,
});
const login = answer('session-setup', { auth: 'ntlm', user: 'alice', domain: 'CORP' });
const pipe = (name: string, ok = true) =>
  answer('create', {
    name,
    share: '\\\\fs\\IPC$',
    pipe: true,
    write: true,
    ok,
    status: ok ? 'STATUS_SUCCESS' : 'STATUS_ACCESS_DENIED',
  });
const upload = answer('create', { name: 'PSEXESVC.exe', share: '\\\\fs\\ADMIN$', pipe: false, write: true });

const summary = (events: SmbEvent[], config: Record<string, unknown> = {}) =>
  runThreat(smbLateralMovement, events, { config }).map((h) => `${h.severity} ${h.confidence} ${h.evidence}`);

describe('smb-lateral-movement', () => {
  it("tells PsExec's chain as critical: a file written to ADMIN$, then the service-control pipe, naming the user", () => {
    expect(
      summary([login, answer('tree-connect', { share: '\\\\fs\\ADMIN$' }), upload, pipe('svcctl')]),
    ).toEqual([
      'high 0.8 reached the administrative share \\\\fs\\ADMIN$ as CORP\\alice',
      'high 0.85 wrote PSEXESVC.exe to \\\\fs\\ADMIN$ as CORP\\alice',
      'critical 1 opened the svcctl pipe (service control: PsExec, Impacket psexec and smbexec) on \\\\fs\\IPC$ after writing PSEXESVC.exe to \\\\fs\\ADMIN$ as CORP\\alice: the PsExec chain',
    ]);
  });

  it('tells an administrative pipe alone, or a refused one, as high; an RPC bind names its interface', () => {
    expect(summary([pipe('atsvc'), pipe('\\PIPE\\winreg', false)])).toEqual([
      'high 0.9 opened the atsvc pipe (scheduled tasks: atexec) on \\\\fs\\IPC$ as an unnamed user',
      'high 0.7 opened the winreg pipe (the remote registry) on \\\\fs\\IPC$ (refused: STATUS_ACCESS_DENIED) as an unnamed user',
    ]);
    const bind: SmbEvent = {
      kind: 'smb',
      ts: 1,
      direction: 'to-server',
      version: 2,
      command: 'write',
      rpc: 'svcctl',
    };
    expect(summary([bind])[0]).toBe(
      'high 0.9 opened the svcctl pipe (service control: PsExec, Impacket psexec and smbexec) as an unnamed user',
    );
  });

  it('tells reconnaissance calls at their own key, not the pipes they use, and any drive share', () => {
    const call = (rpc: string, name: string): SmbEvent => ({
      kind: 'smb',
      ts: 1,
      direction: 'to-server',
      version: 2,
      command: 'ioctl',
      rpc,
      opnum: 1,
      call: name,
    });
    expect(summary([login, pipe('samr'), pipe('lsarpc'), pipe('srvsvc'), pipe('wkssvc')])).toEqual([]);
    expect(
      summary([
        login,
        call('samr', 'SamrEnumerateUsersInDomain'),
        call('lsarpc', 'LsarLookupSids'),
        call('srvsvc', 'NetrSessionEnum'),
        call('wkssvc', 'NetrWkstaUserEnum'),
      ]),
    ).toEqual([
      'medium 0.7 called SamrEnumerateUsersInDomain on the samr pipe (accounts and groups) as CORP\\alice',
      'medium 0.7 called LsarLookupSids on the lsarpc pipe (SIDs and the domain policy) as CORP\\alice',
      'medium 0.7 called NetrSessionEnum on the srvsvc pipe (shares and sessions) as CORP\\alice',
      'medium 0.7 called NetrWkstaUserEnum on the wkssvc pipe (the workstation and its users) as CORP\\alice',
    ]);
    // Share listing and the calls around it are browsing: Windows Explorer and smbclient -L make them.
    expect(
      summary([
        call('srvsvc', 'NetrShareEnum'),
        call('srvsvc', 'NetrServerGetInfo'),
        call('lsarpc', 'LsarOpenPolicy2'),
      ]),
    ).toEqual([]);
    expect(summary([call('samr', 'SamrEnumerateUsersInDomain')], { enumeration: 'off' })).toEqual([]);
    expect(summary([call('svcctl', 'RCreateServiceW')])).toEqual([
      'high 1 called RCreateServiceW on the svcctl pipe (service control: PsExec, Impacket psexec and smbexec) as an unnamed user',
    ]);
    expect(summary([upload, call('svcctl', 'RStartServiceW')])[1]).toBe(
      'critical 1 called RStartServiceW on the svcctl pipe (service control: PsExec, Impacket psexec and smbexec) as an unnamed user after writing PSEXESVC.exe to \\\\fs\\ADMIN$: the PsExec chain',
    );
    expect(summary([answer('tree-connect', { share: '\\\\fs\\d$' })])).toHaveLength(1);
    expect(
      summary([answer('tree-connect', { share: '\\\\fs\\C$', ok: false, status: 'STATUS_ACCESS_DENIED' })]),
    ).toEqual([
      'high 0.6 reached the administrative share \\\\fs\\C$ (refused: STATUS_ACCESS_DENIED) as an unnamed user',
    ]);
  });

  it('leaves ordinary file sharing, IPC$ alone, reads of admin shares and allowed hosts alone', () => {
    expect(
      summary([
        login,
        answer('tree-connect', { share: '\\\\fs\\IPC$' }),
        answer('tree-connect', { share: '\\\\fs\\finance' }),
        answer('create', { name: 'q3.xlsx', share: '\\\\fs\\finance', write: true }),
        answer('create', { name: 'Windows\\win.ini', share: '\\\\fs\\C$', write: false }),
        pipe('spoolss'),
        pipe('svcctl', true),
      ]),
    ).toEqual([
      'high 0.9 opened the svcctl pipe (service control: PsExec, Impacket psexec and smbexec) on \\\\fs\\IPC$ as CORP\\alice',
    ]);
    expect(
      runThreat(smbLateralMovement, [upload, pipe('svcctl')], {
        flow: flow({ protocol: 'smb' }),
        config: { allowClients: ['10.0.0.5'] },
      }),
    ).toEqual([]);
    expect(
      runThreat(smbLateralMovement, [pipe('svcctl')], { config: { allowServers: ['10.0.0.9'] } }),
    ).toEqual([]);
  });

  it("reads the parser's own events: the chain built from the specifications' messages", () => {
    const alice = spnegoResponse(ntlmAuthenticate({ domain: 'CORP', user: 'alice', workstation: 'WS01' }));
    const segments: Segment[] = [
      ['to-server', netbios(sessionSetupRequest(2, alice))],
      ['to-client', netbios(sessionSetupResponse(2, 0))],
      ['to-server', netbios(treeConnectRequest(3, '\\\\fs\\ADMIN$'))],
      ['to-client', netbios(treeConnectResponse(3, 0, 4))],
      [
        'to-server',
        netbios(createRequest(4, 'PSEXESVC.exe', { treeId: 4, access: 0x120196, disposition: 5 })),
      ],
      ['to-client', netbios(createResponse(4, 0, 4))],
      ['to-server', netbios(treeConnectRequest(5, '\\\\fs\\IPC$'))],
      ['to-client', netbios(treeConnectResponse(5, 0, 1, 2))],
      ['to-server', netbios(createRequest(6, 'svcctl', { treeId: 1, access: 0x12019f }))],
      ['to-client', netbios(createResponse(6, 0, 1))],
      ['to-server', netbios(writeRequest(7, 1, dcerpcBind('367abb81-9844-35f1-ad32-98f038001003')))],
    ];
    const events = feed(smb, segments).map((e) => ({ ts: 1, ...(e as object) })) as SmbEvent[];
    const hits = runThreat(smbLateralMovement, events);
    expect(hits.map((h) => h.severity)).toEqual(['high', 'high', 'critical', 'critical']);
  });

  it("reads the parser's own events: share listing is no finding, enumerating users is", () => {
    const onPipe = (uuid: string, opnum: number): Segment[] => [
      ['to-server', netbios(treeConnectRequest(3, '\\\\fs\\IPC$'))],
      ['to-client', netbios(treeConnectResponse(3, 0, 1, 2))],
      ['to-server', netbios(createRequest(4, 'srvsvc', { treeId: 1, access: 0x12019f }))],
      ['to-client', netbios(createResponse(4, 0, 1))],
      ['to-server', netbios(writeRequest(5, 1, dcerpcBind(uuid), {}, 7))],
      ['to-server', netbios(transceiveRequest(6, 1, 7, dcerpcRequest(opnum)))],
    ];
    const hitsOf = (segments: Segment[]) =>
      runThreat(
        smbLateralMovement,
        feed(smb, segments).map((e) => ({ ts: 1, ...(e as object) })) as SmbEvent[],
      ).map((h) => h.evidence);
    // smbclient -L: srvsvc bound, NetrShareEnum (15) called.
    expect(hitsOf(onPipe('4b324fc8-1670-01d3-1278-5a47bf6ee188', 15))).toEqual([]);
    // samrdump: samr bound, SamrEnumerateUsersInDomain (13) called.
    expect(hitsOf(onPipe('12345778-1234-abcd-ef00-0123456789ac', 13))).toEqual([
      'called SamrEnumerateUsersInDomain on the samr pipe (accounts and groups) as an unnamed user',
    ]);
  });
});
