import { describe, expect, it } from 'vitest';
import { renderRules } from '#sidecar/enforce/render-rules.ts';

const channel = { controlPlaneIps: ['10.96.0.20', 'fd00::20'], controlPlanePort: 8443, metricsPort: 15090 };

describe('renderRules', () => {
  it('quarantine: our chains only, loopback and the control-plane channel kept, everything else cut', () => {
    expect(renderRules({ quarantined: true, blocks: [] }, channel, 4, 0).split('\n')).toEqual([
      '*filter',
      ':MESHWARD-IN - [0:0]',
      ':MESHWARD-OUT - [0:0]',
      ':MESHWARD-ALLOW-IN - [0:0]',
      ':MESHWARD-ALLOW-OUT - [0:0]',
      '-A MESHWARD-OUT -p tcp --tcp-flags RST RST -j RETURN',
      '-A MESHWARD-IN -i lo -j RETURN',
      '-A MESHWARD-OUT -o lo -j RETURN',
      '-A MESHWARD-OUT -d 10.96.0.20 -p tcp --dport 8443 -j RETURN',
      '-A MESHWARD-IN -s 10.96.0.20 -p tcp --sport 8443 -j RETURN',
      '-A MESHWARD-IN -p tcp --dport 15090 -j RETURN',
      '-A MESHWARD-OUT -p tcp --sport 15090 -j RETURN',
      '-A MESHWARD-IN -p tcp -j REJECT --reject-with tcp-reset',
      '-A MESHWARD-IN -j DROP',
      '-A MESHWARD-OUT -p tcp -j REJECT --reject-with tcp-reset',
      '-A MESHWARD-OUT -j DROP',
      'COMMIT',
      '',
    ]);
  });

  it('puts each address in its own family and never touches another table', () => {
    const v6 = renderRules({ quarantined: true, blocks: [] }, channel, 6, 0);
    expect(v6).toContain('-d fd00::20 -p tcp --dport 8443');
    expect(v6).not.toContain('10.96.0.20');
    expect(v6).not.toMatch(/\*nat|\*mangle|\*raw/);
  });

  it('blocks: expired ones lapse, port blocks follow which side the peer is', () => {
    const text = renderRules(
      {
        quarantined: false,
        blocks: [
          { ip: '10.0.0.9', port: 8080, peer: 'client' },
          { ip: '10.0.0.10', port: 5432, peer: 'server' },
          { ip: '10.0.0.11', peer: 'client', until: 1000 },
        ],
      },
      channel,
      4,
      2000,
    );
    expect(text).toContain(
      '-A MESHWARD-IN -s 10.0.0.9 -p tcp --dport 8080 -j REJECT --reject-with tcp-reset',
    );
    expect(text).toContain(
      '-A MESHWARD-OUT -d 10.0.0.9 -p tcp --sport 8080 -j REJECT --reject-with tcp-reset',
    );
    expect(text).toContain(
      '-A MESHWARD-OUT -d 10.0.0.10 -p tcp --dport 5432 -j REJECT --reject-with tcp-reset',
    );
    expect(text).not.toContain('10.0.0.11');
  });

  it('an open state renders empty chains', () => {
    expect(renderRules({ quarantined: false, blocks: [] }, channel, 4, 0)).toBe(
      '*filter\n:MESHWARD-IN - [0:0]\n:MESHWARD-OUT - [0:0]\n:MESHWARD-ALLOW-IN - [0:0]\n:MESHWARD-ALLOW-OUT - [0:0]\nCOMMIT\n',
    );
  });
});
