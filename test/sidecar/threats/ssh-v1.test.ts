import { describe, expect, it } from 'vitest';
import type { SshBannerEvent } from '#sidecar/events.ts';
import { sshV1 } from '#sidecar/threats/ssh-v1.ts';
import { runThreat } from './threat-factories.ts';

const banner = (protocolVersion: string): SshBannerEvent => ({
  kind: 'ssh-banner',
  ts: 1,
  direction: 'to-client',
  protocolVersion,
  software: 'OpenSSH_2.3',
});

describe('ssh-v1', () => {
  it('flags SSH-1.5 with high and SSH-1.99 with medium severity', () => {
    expect(runThreat(sshV1, [banner('1.5')])[0]?.severity).toBe('high');
    expect(runThreat(sshV1, [banner('1.99')])[0]?.severity).toBe('medium');
    expect(runThreat(sshV1, [banner('1.99')], { config: { compatibility: false } })).toEqual([]);
  });

  it('ignores SSH-2.0', () => {
    expect(runThreat(sshV1, [banner('2.0')])).toEqual([]);
  });
});
