import { describe, expect, it } from 'vitest';
import type { SmbEvent } from '#sidecar/events.ts';
import { smbV1 } from '#sidecar/threats/smb-v1.ts';
import { runThreat } from './threat-factories.ts';

const negotiate = (version: 1 | 2, fields: Partial<SmbEvent>): SmbEvent => ({
  kind: 'smb',
  ts: 1,
  direction: fields.dialects === undefined ? 'to-client' : 'to-server',
  version,
  command: 'negotiate',
  ...fields,
});

describe('smb-v1', () => {
  it('flags a server that negotiates SMB1, and a client offering nothing newer', () => {
    expect(runThreat(smbV1, [negotiate(1, { dialect: 'NT LM 0.12', ok: true })])).toMatchObject([
      { severity: 'medium', confidence: 1, evidence: 'server negotiated SMB1 (dialect NT LM 0.12)' },
    ]);
    expect(runThreat(smbV1, [negotiate(1, { dialects: ['NT LANMAN 1.0', 'NT LM 0.12'] })])).toMatchObject([
      { confidence: 0.8, evidence: 'client offers only SMB1 dialects (NT LANMAN 1.0, NT LM 0.12)' },
    ]);
    expect(
      runThreat(smbV1, [negotiate(1, { dialects: ['NT LM 0.12'] })], { config: { clients: false } }),
    ).toEqual([]);
  });

  it('leaves a multi-protocol negotiate answered with SMB2, and SMB2 itself, alone', () => {
    expect(
      runThreat(smbV1, [
        negotiate(1, { dialects: ['NT LM 0.12', 'SMB 2.002', 'SMB 2.???'] }),
        negotiate(2, { dialect: '2.???', ok: true }),
        negotiate(2, { dialects: ['3.1.1'] }),
        negotiate(2, { dialect: '3.1.1', ok: true }),
      ]),
    ).toEqual([]);
  });
});
