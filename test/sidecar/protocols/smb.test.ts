import { describe, expect, it } from 'vitest';
import type { DbAuthEvent, Direction, SmbEvent } from '#sidecar/events.ts';
import { smb } from '#sidecar/protocols/smb.ts';
import {
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  hex,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import {
  createRequest,
  createResponse,
  dcerpcBind,
  dcerpcRequest,
  kerberosAnswer,
  kerberosBlob,
  le16,
  le32,
  negotiateRequest,
  negotiateResponse,
  netbios,
  ntlmAuthenticate,
  responseMarker,
  sessionSetupRequest,
  sessionSetupResponse,
  smb2Header,
  spnegoAccept,
  spnegoMic,
  spnegoResponse,
  transceiveRequest,
  transform,
  treeConnectRequest,
  treeConnectResponse,
  writeRequest,
} from '#test/fixtures/protocols/smb-messages.ts';
import {
  sessionRequest,
  smb1Chain,
  smb1Negotiate,
  smb1NegotiateResponse,
  smb1NtCreate,
  smb1NtCreateResponse,
  smb1SessionSetup,
  smb1SessionSetupBlob,
  smb1SessionSetupBlobResponse,
  smb1SessionSetupResponse,
  smb1TreeConnect,
  smb1TreeConnectResponse,
  smb1WriteAndx,
} from '#test/fixtures/protocols/smb1-messages.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

/** One line per event: side, command and what it says. */
const lines = (events: unknown[]): string[] =>
  (events as (SmbEvent | DbAuthEvent)[]).map((e) => {
    const side = e.direction === 'to-server' ? 'C' : 'S';
    if (e.kind === 'db-auth')
      return `${side} db-auth ${e.dialect} ${e.ok ? 'ok' : 'refused'} ${e.user ?? '-'} ${e.message}`;
    const { kind: _k, direction: _d, version, command, ...rest } = e as SmbEvent & { ts?: number };
    return `${side} smb${version ?? ''} ${command} ${JSON.stringify(rest)}`;
  });

/**
 * The challenge responses (0xa5) or session key (0x5a) in any event, as the decoders would turn them into text: UTF-16
 * (U+A5A5, U+5A5A) or one character per octet (U+00A5, 'Z'). Their hex digits never appear in an event's JSON.
 */
const carriesSecret = (events: unknown[]): boolean =>
  /\ua5a5|\u5a5a|\u00a5\u00a5|ZZZZ/.test(JSON.stringify(events));

const logonFailure = 0xc000006d;
const accessDenied = 0xc0000022;
const alice = spnegoResponse(ntlmAuthenticate({ domain: 'CORP', user: 'alice', workstation: 'WS01' }));

/** MS-SMB2 §3.2.5: negotiate, NTLMSSP login, IPC$, svcctl opened and bound, as PsExec does. */
const psexecOnIpc: Segment[] = [
  ['to-server', netbios(negotiateRequest(0, ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1']))],
  ['to-client', netbios(negotiateResponse(0, '3.1.1'))],
  ['to-server', netbios(sessionSetupRequest(2, alice))],
  ['to-client', netbios(sessionSetupResponse(2, 0))],
  ['to-server', netbios(treeConnectRequest(3, '\\\\10.0.0.9\\IPC$'))],
  ['to-client', netbios(treeConnectResponse(3, 0, 1, 2))],
  ['to-server', netbios(createRequest(4, 'svcctl', { treeId: 1, access: 0x12019f }))],
  ['to-client', netbios(createResponse(4, 0, 1))],
  ['to-server', netbios(writeRequest(5, 1, dcerpcBind('367abb81-9844-35f1-ad32-98f038001003')))],
];

describe('smb detect', () => {
  it('matches an SMB2 request or answer, an SMB1 negotiate, a transform header and NetBIOS session packets', () => {
    expect(smb.detect(netbios(negotiateRequest(0, ['2.0.2'])), 'to-server')).toBe('match');
    expect(smb.detect(netbios(negotiateResponse(0, '2.1')), 'to-client')).toBe('match');
    expect(smb.detect(netbios(smb1Negotiate(['NT LM 0.12'])), 'to-server')).toBe('match');
    expect(smb.detect(netbios(transform(120)), 'to-client')).toBe('match');
    expect(smb.detect(sessionRequest('FILESERVER', 'WS01'), 'to-server')).toBe('match');
    expect(smb.detect(hex('8300000182'), 'to-client')).toBe('match');
    expect(smb.detect(concat(hex('82000000'), netbios(negotiateResponse(0, '2.1'))), 'to-client')).toBe(
      'match',
    );
  });

  it('waits on a true prefix of each, and only that', () => {
    const message = netbios(negotiateRequest(0, ['2.0.2']));
    for (let n = 0; n < 68; n++) expect(smb.detect(message.subarray(0, n), 'to-server')).toBe('need-more');
    const request = sessionRequest('FILESERVER', 'WS01');
    for (let n = 0; n < request.length; n++)
      expect(smb.detect(request.subarray(0, n), 'to-server')).toBe('need-more');
    expect(smb.detect(hex('82000000'), 'to-client')).toBe('need-more');
  });

  it('refuses a header whose fixed fields disagree: structure size, command, direction, next command, length', () => {
    const good = negotiateRequest(0, ['2.0.2']);
    const patched = (at: number, value: Uint8Array) => {
      const copy = Uint8Array.from(good);
      copy.set(value, at);
      return netbios(copy);
    };
    expect(smb.detect(patched(4, le16(65)), 'to-server')).toBe('no-match');
    expect(smb.detect(patched(12, le16(0x13)), 'to-server')).toBe('no-match');
    expect(smb.detect(netbios(good), 'to-client')).toBe('no-match');
    expect(smb.detect(patched(20, le32(12)), 'to-server')).toBe('no-match');
    expect(smb.detect(hex('00000010fe534d42'), 'to-server')).toBe('no-match');
    expect(smb.detect(hex('00000050fd534d42'), 'to-server')).toBe('no-match');
    expect(smb.detect(hex('00000050fc534d42'), 'to-server')).toBe('no-match');
    expect(smb.detect(netbios(smb1Negotiate(['NT LM 0.12'])), 'to-client')).toBe('no-match');
    expect(smb.detect(hex('8100004420'), 'to-client')).toBe('no-match');
    expect(smb.detect(hex('8300000170'), 'to-client')).toBe('no-match');
    expect(smb.detect(hex('820000000000'), 'to-client')).toBe('need-more');
    expect(smb.detect(hex('8200000001'), 'to-client')).toBe('no-match');
  });

  it('is the label the whole registry gives', () => {
    expect(engineLabel(psexecOnIpc)).toBe('smb');
    expect(
      engineLabel([
        ['to-server', sessionRequest('FILESERVER', 'WS01')],
        ['to-client', hex('82000000')],
      ]),
    ).toBe('smb');
  });

  it('never throws, and random bytes do not match', () => {
    expect(contractCheck(smb, psexecOnIpc[0] as Segment).randomMatches).toBe(0);
  });

  itRejectsForeignBytes(smb, []);
});

describe('smb2 parser', () => {
  it('reads the negotiation, an NTLMSSP login, IPC$, the svcctl pipe and its bind', () => {
    expect(lines(feed(smb, psexecOnIpc))).toEqual([
      'C smb2 negotiate {"dialects":["2.0.2","2.1","3.0","3.0.2","3.1.1"]}',
      'S smb2 negotiate {"dialect":"3.1.1","ok":true}',
      'S smb2 session-setup {"status":"STATUS_SUCCESS","ok":true,"auth":"ntlm","user":"alice","domain":"CORP","workstation":"WS01"}',
      'S db-auth smb ok CORP\\alice STATUS_SUCCESS',
      'S smb2 tree-connect {"share":"\\\\\\\\10.0.0.9\\\\IPC$","status":"STATUS_SUCCESS","ok":true}',
      'S smb2 create {"name":"svcctl","write":true,"share":"\\\\\\\\10.0.0.9\\\\IPC$","pipe":true,"status":"STATUS_SUCCESS","ok":true}',
      'C smb2 write {"rpc":"svcctl"}',
    ]);
  });

  it('never keeps an NTLM response or the session key', () => {
    expect(carriesSecret(feed(smb, psexecOnIpc))).toBe(false);
    // The check itself sees a response decoded as a name.
    expect(carriesSecret([{ user: Buffer.from([responseMarker, responseMarker]).toString('utf16le') }])).toBe(
      true,
    );
  });

  it('tells a refused password as a refused db-auth, an account problem too, and a server fault not at all', () => {
    const login = (status: number, flags = 0): string[] =>
      lines(
        feed(smb, [
          ['to-server', netbios(sessionSetupRequest(2, alice))],
          ['to-client', netbios(sessionSetupResponse(2, status, flags))],
        ]),
      ).filter((l) => l.includes('db-auth'));
    expect(login(logonFailure)).toEqual(['S db-auth smb refused CORP\\alice STATUS_LOGON_FAILURE']);
    expect(login(0xc0000234)).toEqual(['S db-auth smb refused CORP\\alice STATUS_ACCOUNT_LOCKED_OUT']);
    expect(login(0xc0000072)).toEqual(['S db-auth smb refused CORP\\alice STATUS_ACCOUNT_DISABLED']);
    expect(login(0, 1)).toEqual(['S db-auth smb refused CORP\\alice logged in as guest']);
    expect(login(0xc00000bb)).toEqual([]);
  });

  it('waits through the NTLM challenge (MORE_PROCESSING_REQUIRED) for the final answer', () => {
    const negotiateToken = spnegoResponse(hex('4e544c4d5353500001000000978208e2'));
    const events = lines(
      feed(smb, [
        ['to-server', netbios(sessionSetupRequest(1, negotiateToken))],
        ['to-client', netbios(sessionSetupResponse(1, 0xc0000016))],
        ['to-server', netbios(sessionSetupRequest(2, alice))],
        ['to-client', netbios(sessionSetupResponse(2, logonFailure))],
      ]),
    );
    expect(events).toHaveLength(2);
    expect(events[1]).toBe('S db-auth smb refused CORP\\alice STATUS_LOGON_FAILURE');
  });

  it("follows a Kerberos login through its mechListMIC leg: the AP-REP answer's session, then the outcome", () => {
    const moreProcessing = 0xc0000016;
    expect(
      lines(
        feed(smb, [
          ['to-server', netbios(sessionSetupRequest(2, kerberosBlob()))],
          ['to-client', netbios(sessionSetupResponse(2, moreProcessing, 0, kerberosAnswer(1)))],
          ['to-server', netbios(sessionSetupRequest(3, spnegoMic(), 0x1122334455))],
          ['to-client', netbios(sessionSetupResponse(3, 0, 0, spnegoAccept()))],
        ]),
      ),
    ).toEqual([
      'S smb2 session-setup {"status":"STATUS_SUCCESS","ok":true,"auth":"kerberos"}',
      'S db-auth smb ok - STATUS_SUCCESS',
    ]);
  });

  it('tells a Kerberos login refused with a KRB-ERROR (a clock skew) by its error, and not as a refused password', () => {
    expect(
      lines(
        feed(smb, [
          ['to-server', netbios(sessionSetupRequest(2, kerberosBlob()))],
          ['to-client', netbios(sessionSetupResponse(2, logonFailure, 0, kerberosAnswer(2, 37)))],
        ]),
      ),
    ).toEqual([
      'S smb2 session-setup {"status":"STATUS_LOGON_FAILURE","ok":false,"auth":"kerberos","krbError":"KRB_AP_ERR_SKEW"}',
    ]);
  });

  it('names an anonymous login (no db-auth: no password was guessed) and a Kerberos one', () => {
    const anonymous = spnegoResponse(ntlmAuthenticate({ ntResponse: 0 }));
    expect(
      lines(
        feed(smb, [
          ['to-server', netbios(sessionSetupRequest(2, anonymous))],
          ['to-client', netbios(sessionSetupResponse(2, 0, 2))],
        ]),
      ),
    ).toEqual(['S smb2 session-setup {"status":"STATUS_SUCCESS","ok":true,"auth":"anonymous"}']);
    expect(
      lines(
        feed(smb, [
          ['to-server', netbios(sessionSetupRequest(2, kerberosBlob()))],
          ['to-client', netbios(sessionSetupResponse(2, 0))],
        ]),
      ),
    ).toEqual([
      'S smb2 session-setup {"status":"STATUS_SUCCESS","ok":true,"auth":"kerberos"}',
      'S db-auth smb ok - STATUS_SUCCESS',
    ]);
  });

  it('tells a refused tree and names files on a disk share with their write intent', () => {
    const events = lines(
      feed(smb, [
        ['to-server', netbios(treeConnectRequest(7, '\\\\fs\\C$'))],
        ['to-client', netbios(treeConnectResponse(7, accessDenied, 0))],
        ['to-server', netbios(treeConnectRequest(8, '\\\\fs\\ADMIN$'))],
        ['to-client', netbios(treeConnectResponse(8, 0, 5))],
        [
          'to-server',
          netbios(createRequest(9, 'PSEXESVC.exe', { treeId: 5, access: 0x120196, disposition: 5 })),
        ],
        ['to-client', netbios(createResponse(9, 0, 5))],
      ]),
    );
    expect(events).toEqual([
      'S smb2 tree-connect {"share":"\\\\\\\\fs\\\\C$","status":"STATUS_ACCESS_DENIED","ok":false}',
      'S smb2 tree-connect {"share":"\\\\\\\\fs\\\\ADMIN$","status":"STATUS_SUCCESS","ok":true}',
      'S smb2 create {"name":"PSEXESVC.exe","write":true,"share":"\\\\\\\\fs\\\\ADMIN$","pipe":false,"status":"STATUS_SUCCESS","ok":true}',
    ]);
  });

  it('follows compounded requests (NextCommand), a related one on the tree before it, and compounded answers', () => {
    const open = createRequest(11, 'winreg', { treeId: 1, header: { next: 0 } });
    const padded = concat(open, new Uint8Array((8 - (open.length % 8)) % 8));
    const first = createRequest(11, 'winreg', { treeId: 1, header: { next: padded.length } });
    const bind = writeRequest(12, 0xffffffff, dcerpcBind('338cd001-2244-31f1-aaaa-900038001003', 1), {
      flags: 4,
    });
    const answer = createResponse(11, 0, 1, 160);
    const segments: Segment[] = [
      ['to-server', netbios(treeConnectRequest(3, '\\\\h\\IPC$'))],
      ['to-client', netbios(treeConnectResponse(3, 0, 1, 2))],
      ['to-server', netbios(concat(first, padded.subarray(first.length)), bind)],
      [
        'to-client',
        netbios(
          answer,
          new Uint8Array(160 - answer.length),
          smb2Header({ command: 9, messageId: 12, reply: true }),
          le16(17),
          new Uint8Array(15),
        ),
      ],
    ];
    expect(lines(feed(smb, segments)).slice(1)).toEqual([
      'C smb2 write {"rpc":"winreg"}',
      'S smb2 create {"name":"winreg","write":false,"share":"\\\\\\\\h\\\\IPC$","pipe":true,"status":"STATUS_SUCCESS","ok":true}',
    ]);
  });

  it('says a direction is encrypted at its first transform header, and reads it no more', () => {
    const events = lines(
      feed(smb, [
        ['to-server', netbios(negotiateRequest(0, ['3.0']))],
        ['to-server', netbios(transform(200))],
        ['to-server', netbios(treeConnectRequest(3, '\\\\h\\C$'))],
        ['to-client', netbios(negotiateResponse(0, '3.0'))],
      ]),
    );
    expect(events).toEqual([
      'C smb2 negotiate {"dialects":["3.0"]}',
      'C smb2 encrypted {}',
      'S smb2 negotiate {"dialect":"3.0","ok":true}',
    ]);
  });

  it("names each DCE/RPC operation called on a bound pipe (WRITE or IOCTL transceive) once, by the pipe's interface", () => {
    const samr = '12345778-1234-abcd-ef00-0123456789ac';
    const srvsvc = '4b324fc8-1670-01d3-1278-5a47bf6ee188';
    expect(
      lines(
        feed(smb, [
          ['to-server', netbios(writeRequest(5, 1, dcerpcBind(samr), {}, 7))],
          ['to-server', netbios(writeRequest(6, 1, dcerpcBind(srvsvc), {}, 8))],
          ['to-server', netbios(transceiveRequest(7, 1, 7, dcerpcRequest(13)))],
          ['to-server', netbios(transceiveRequest(8, 1, 7, dcerpcRequest(13)))],
          ['to-server', netbios(writeRequest(9, 1, dcerpcRequest(15), {}, 8))],
          ['to-server', netbios(transceiveRequest(10, 1, 7, dcerpcRequest(99)))],
          // A request on a pipe with no bind seen: no interface to name its operation by.
          ['to-server', netbios(transceiveRequest(11, 1, 9, dcerpcRequest(13)))],
        ]),
      ),
    ).toEqual([
      'C smb2 write {"rpc":"samr"}',
      'C smb2 write {"rpc":"srvsvc"}',
      'C smb2 ioctl {"rpc":"samr","opnum":13,"call":"SamrEnumerateUsersInDomain"}',
      'C smb2 write {"rpc":"srvsvc","opnum":15,"call":"NetrShareEnum"}',
      'C smb2 ioctl {"rpc":"samr","opnum":99,"call":"opnum 99"}',
      'C smb2 ioctl {}',
    ]);
  });

  it('still names a call after 130 distinct others: a full memory of calls told stops the deduplication, not the telling', () => {
    const samr = '12345778-1234-abcd-ef00-0123456789ac';
    const svcctl = '367abb81-9844-35f1-ad32-98f038001003';
    const padding = Array.from({ length: 130 }, (_, i): [Direction, Uint8Array] => [
      'to-server',
      netbios(transceiveRequest(10 + i, 1, 7, dcerpcRequest(i))),
    ]);
    const events = lines(
      feed(smb, [
        ['to-server', netbios(writeRequest(5, 1, dcerpcBind(samr), {}, 7))],
        ['to-server', netbios(writeRequest(6, 1, dcerpcBind(svcctl), {}, 8))],
        ...padding,
        ['to-server', netbios(transceiveRequest(200, 1, 8, dcerpcRequest(12)))],
      ]),
    );
    expect(events).toHaveLength(133);
    expect(events.at(-1)).toBe('C smb2 ioctl {"rpc":"svcctl","opnum":12,"call":"RCreateServiceW"}');
  });

  it('tells other commands once each, for the summary', () => {
    const read = (id: number) =>
      netbios(smb2Header({ command: 8, messageId: id, treeId: 1 }), le16(49), new Uint8Array(48));
    expect(
      lines(
        feed(smb, [
          ['to-server', read(1)],
          ['to-server', read(2)],
        ]),
      ),
    ).toEqual(['C smb2 read {}']);
  });

  it('gives the same events however the bytes are split', () => {
    expect(everySplitAgrees(smb, psexecOnIpc).mismatch).toBeUndefined();
    expect(feedByteByByte(smb, psexecOnIpc)).toEqual(feed(smb, psexecOnIpc));
  });

  it('survives hostile lengths: names past the message, NextCommand loops, a blob past its end, a huge message', () => {
    const tree = treeConnectRequest(3, '\\\\h\\IPC$');
    tree.set(le16(0xfff0), 64 + 6); // PathLength past the message
    const loop = negotiateRequest(0, ['2.0.2']);
    loop.set(le32(64), 20); // NextCommand leaving the first message no body: the chain is refused there
    const blob = sessionSetupRequest(2, alice);
    blob.set(le16(0xffff), 64 + 14);
    const huge = hex(`00ffffff${Buffer.from(negotiateRequest(0, ['2.1'])).toString('hex')}`);
    const events = feed(smb, [
      ['to-server', netbios(tree)],
      ['to-client', netbios(treeConnectResponse(3, 0, 1))],
      ['to-server', netbios(loop)],
      ['to-server', netbios(blob)],
      ['to-server', huge],
    ]);
    expect(lines(events)).toEqual([
      'S smb2 tree-connect {"share":"\\\\\\\\h\\\\IPC$","status":"STATUS_SUCCESS","ok":true}',
    ]);
  });
});

describe('smb1 parser', () => {
  it("reads the dialect strings and the server's choice, a login with the account in the clear, a tree, a pipe", () => {
    const events = lines(
      feed(smb, [
        ['to-server', sessionRequest('FILESERVER', 'WS01')],
        ['to-client', hex('82000000')],
        ['to-server', netbios(smb1Negotiate(['PC NETWORK PROGRAM 1.0', 'LANMAN1.0', 'NT LM 0.12']))],
        ['to-client', netbios(smb1NegotiateResponse(2))],
        ['to-server', netbios(smb1SessionSetup('bob', 'CORP'))],
        ['to-client', netbios(smb1SessionSetupResponse(logonFailure))],
        ['to-server', netbios(smb1SessionSetup('bob', 'CORP'))],
        ['to-client', netbios(smb1SessionSetupResponse(0))],
        ['to-server', netbios(smb1TreeConnect('\\\\FS\\IPC$', 3))],
        ['to-client', netbios(smb1TreeConnectResponse(3, 0, 0x800))],
        ['to-server', netbios(smb1NtCreate('\\samr', 0x800, 4))],
        ['to-client', netbios(smb1NtCreateResponse(4, 0, 0x800))],
      ]),
    );
    expect(events).toEqual([
      'C smb1 netbios-session {"name":"FILESERVER","workstation":"WS01"}',
      'S smb1 netbios-session {"ok":true,"status":"positive"}',
      'C smb1 negotiate {"dialects":["PC NETWORK PROGRAM 1.0","LANMAN1.0","NT LM 0.12"]}',
      'S smb1 negotiate {"ok":true,"dialect":"NT LM 0.12"}',
      'S smb1 session-setup {"status":"STATUS_LOGON_FAILURE","ok":false,"auth":"other","user":"bob","domain":"CORP"}',
      'S db-auth smb refused CORP\\bob STATUS_LOGON_FAILURE',
      'S smb1 session-setup {"status":"STATUS_SUCCESS","ok":true,"auth":"other","user":"bob","domain":"CORP"}',
      'S db-auth smb ok CORP\\bob STATUS_SUCCESS',
      'S smb1 tree-connect {"share":"\\\\\\\\FS\\\\IPC$","status":"STATUS_SUCCESS","ok":true}',
      'S smb1 create {"name":"\\\\samr","write":true,"share":"\\\\\\\\FS\\\\IPC$","pipe":true,"status":"STATUS_SUCCESS","ok":true}',
    ]);
    expect(carriesSecret(events)).toBe(false);
  });

  it('names the interface of a DCE/RPC bind written to a pipe with WRITE_ANDX, and the calls on that pipe', () => {
    const bind = smb1WriteAndx(dcerpcBind('1ff70682-0a51-30e8-076d-740be8cee98b', 1), 0x800, 5);
    expect(lines(feed(smb, [['to-server', netbios(bind)]]))).toEqual(['C smb1 write-andx {"rpc":"atsvc"}']);
    expect(lines(feed(smb, [['to-server', netbios(smb1WriteAndx(new Uint8Array(40), 1, 6))]]))).toEqual([
      'C smb1 write-andx {}',
    ]);
    expect(
      lines(
        feed(smb, [
          ['to-server', netbios(bind)],
          ['to-server', netbios(smb1WriteAndx(dcerpcRequest(0), 0x800, 6))],
        ]),
      ),
    ).toEqual([
      'C smb1 write-andx {"rpc":"atsvc"}',
      'C smb1 write-andx {"rpc":"atsvc","opnum":0,"call":"NetrJobAdd"}',
    ]);
  });

  it("reads a Kerberos login's outcome from the answer carrying the AP-REP, in one leg or through the mechListMIC leg", () => {
    const moreProcessing = 0xc0000016;
    const login = (legs: Segment[]) => lines(feed(smb, legs));
    const told = [
      'S smb1 session-setup {"status":"STATUS_SUCCESS","ok":true,"auth":"kerberos"}',
      'S db-auth smb ok - STATUS_SUCCESS',
    ];
    expect(
      login([
        ['to-server', netbios(smb1SessionSetupBlob(kerberosBlob(), 2))],
        ['to-client', netbios(smb1SessionSetupBlobResponse(0, kerberosAnswer(0), 2, 0x800))],
      ]),
    ).toEqual(told);
    // When SPNEGO wants the client's mechListMIC (RFC 4178 §5), the AP-REP comes with MORE_PROCESSING_REQUIRED under
    // the new UID, and the MIC's leg gets the session's status.
    expect(
      login([
        ['to-server', netbios(smb1SessionSetupBlob(kerberosBlob(), 2))],
        ['to-client', netbios(smb1SessionSetupBlobResponse(moreProcessing, kerberosAnswer(1), 2, 0x800))],
        ['to-server', netbios(smb1SessionSetupBlob(spnegoMic(), 3, 0x800))],
        ['to-client', netbios(smb1SessionSetupBlobResponse(0, spnegoAccept(), 3, 0x800))],
      ]),
    ).toEqual(told);
    expect(
      login([
        ['to-server', netbios(smb1SessionSetupBlob(kerberosBlob(), 2))],
        ['to-client', netbios(smb1SessionSetupBlobResponse(logonFailure, kerberosAnswer(2, 37), 2, 0))],
      ]),
    ).toEqual([
      'S smb1 session-setup {"status":"STATUS_LOGON_FAILURE","ok":false,"auth":"kerberos","krbError":"KRB_AP_ERR_SKEW"}',
    ]);
  });

  it('names a password sent in the clear as such (and never keeps it)', () => {
    const events = feed(smb, [
      ['to-server', netbios(smb1SessionSetup('carol', 'CORP', 8))],
      ['to-client', netbios(smb1SessionSetupResponse(logonFailure))],
    ]) as DbAuthEvent[];
    expect(events.map((e) => e.method ?? (e as unknown as SmbEvent).auth)).toEqual([
      'cleartext',
      'cleartext',
    ]);
  });

  it("reads the server's SecurityMode: an NTLMv2 response with an empty LMv2 is no password in the clear", () => {
    const auth = (securityMode: number) =>
      (
        feed(smb, [
          ['to-server', netbios(smb1Negotiate(['NT LM 0.12']))],
          ['to-client', netbios(smb1NegotiateResponse(0, securityMode))],
          ['to-server', netbios(smb1SessionSetup('dave', 'CORP', 0, 70))],
          ['to-client', netbios(smb1SessionSetupResponse(logonFailure))],
        ]) as (SmbEvent | DbAuthEvent)[]
      ).map((e) => (e.kind === 'db-auth' ? e.method : e.command === 'session-setup' ? e.auth : undefined));
    expect(auth(0x03)).toEqual([undefined, undefined, 'other', 'other']);
    expect(auth(0x01)).toEqual([undefined, undefined, 'cleartext', 'cleartext']);
  });

  it('follows an AndX chain: a login and a tree connect in one request, both answered in one reply', () => {
    const request = smb1Chain(smb1SessionSetup('bob', 'CORP'), smb1TreeConnect('\\\\FS\\C$', 2));
    const reply = smb1Chain(smb1SessionSetupResponse(0), smb1TreeConnectResponse(2, 0, 0x900));
    // A NetBIOS keep-alive (type 0x85, RFC 1002 §4.3.7) between them changes nothing.
    const events = lines(
      feed(smb, [
        ['to-server', netbios(request)],
        ['to-server', hex('85000000')],
        ['to-client', netbios(reply)],
      ]),
    );
    expect(events).toEqual([
      'S smb1 session-setup {"status":"STATUS_SUCCESS","ok":true,"auth":"other","user":"bob","domain":"CORP"}',
      'S db-auth smb ok CORP\\bob STATUS_SUCCESS',
      'S smb1 tree-connect {"share":"\\\\\\\\FS\\\\C$","status":"STATUS_SUCCESS","ok":true}',
    ]);
  });

  it('stops at an AndX offset that points back, and at words or bytes past the message', () => {
    const looping = smb1Chain(smb1SessionSetup('bob', 'CORP'), smb1TreeConnect('\\\\FS\\C$', 2));
    looping.set(le16(32), 35); // AndXOffset back at the first block
    const short = smb1NtCreate('\\svcctl', 1, 9).subarray(0, 60);
    expect(
      lines(
        feed(smb, [
          ['to-server', netbios(looping)],
          ['to-server', netbios(short)],
          ['to-client', netbios(smb1SessionSetupResponse(0))],
        ]),
      ),
    ).toEqual([
      'S smb1 session-setup {"status":"STATUS_SUCCESS","ok":true,"auth":"other","user":"bob","domain":"CORP"}',
      'S db-auth smb ok CORP\\bob STATUS_SUCCESS',
    ]);
  });

  it('tells nothing of a session request cut inside its calling name (no name made of missing octets)', () => {
    const request = sessionRequest('FILESERVER', 'WS01');
    const cut = Uint8Array.from(request.subarray(0, 4 + 34 + 10));
    cut[3] = cut.length - 4;
    expect(lines(feed(smb, [['to-server', cut]]))).toEqual([]);
  });

  it('tells a negative NetBIOS session response, and the request before it, with no version: no SMB follows', () => {
    expect(
      lines(
        feed(smb, [
          ['to-server', sessionRequest('FILESERVER', 'WS01')],
          ['to-client', hex('8300000182')],
        ]),
      ),
    ).toEqual([
      'C smb netbios-session {"name":"FILESERVER","workstation":"WS01"}',
      'S smb netbios-session {"ok":false,"status":"negative 0x82"}',
    ]);
  });

  it('tells the NetBIOS session with the version of the SMB after it: SMB2 at once, or as the server answers', () => {
    const session: Segment[] = [
      ['to-server', sessionRequest('FILESERVER', 'WS01')],
      ['to-client', hex('82000000')],
    ];
    const smb2 = lines(
      feed(smb, [
        ...session,
        ['to-server', netbios(negotiateRequest(0, ['2.1', '3.1.1']))],
        ['to-client', netbios(negotiateResponse(0, '3.1.1'))],
      ]),
    );
    expect(smb2).toEqual([
      'C smb2 netbios-session {"name":"FILESERVER","workstation":"WS01"}',
      'S smb2 netbios-session {"ok":true,"status":"positive"}',
      'C smb2 negotiate {"dialects":["2.1","3.1.1"]}',
      'S smb2 negotiate {"dialect":"3.1.1","ok":true}',
    ]);
    // A multi-protocol negotiate (SMB1, offering SMB 2.???) may be answered in SMB2: the server's answer decides.
    const multi = lines(
      feed(smb, [
        ...session,
        ['to-server', netbios(smb1Negotiate(['NT LM 0.12', 'SMB 2.002', 'SMB 2.???']))],
        ['to-client', netbios(negotiateResponse(0, '2.0.2'))],
      ]),
    );
    expect(multi).toEqual([
      'C smb1 negotiate {"dialects":["NT LM 0.12","SMB 2.002","SMB 2.???"]}',
      'C smb2 netbios-session {"name":"FILESERVER","workstation":"WS01"}',
      'S smb2 netbios-session {"ok":true,"status":"positive"}',
      'S smb2 negotiate {"dialect":"2.0.2","ok":true}',
    ]);
    // A session with nothing after it is told when the flow ends, with no version.
    const parser = smb.createParser();
    expect(session.flatMap(([d, b], i) => parser.parse(b, d, i))).toEqual([]);
    expect(lines(parser.end?.() ?? [])).toEqual([
      'C smb netbios-session {"ts":0,"name":"FILESERVER","workstation":"WS01"}',
      'S smb netbios-session {"ts":1,"ok":true,"status":"positive"}',
    ]);
  });
});
