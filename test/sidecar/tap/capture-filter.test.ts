import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { captureFilter } from '#sidecar/tap/capture-filter.ts';

const isRoot = process.getuid?.() === 0;

describe('captureFilter', () => {
  it('excludes the control-plane channel and the metrics port', () => {
    expect(
      captureFilter({
        controlPlaneIps: ['10.96.0.20', 'fd00::20'],
        controlPlanePort: 8443,
        metricsPort: 15090,
      }),
    ).toBe(
      'not (tcp port 8443 and (host 10.96.0.20 or host fd00::20)) and not (tcp dst port 15090 or tcp src port 15090)',
    );
  });

  it('drops anything that is not an address, so nothing can be injected into the expression', () => {
    expect(captureFilter({ controlPlaneIps: ['10.0.0.1) or (tcp', '10.0.0.2'], controlPlanePort: 443 })).toBe(
      'not (tcp port 443 and (host 10.0.0.2))',
    );
    expect(captureFilter({ controlPlaneIps: [], controlPlanePort: 443 })).toBe('');
  });

  it.skipIf(!isRoot)('compiles with tcpdump (-d prints the BPF program)', () => {
    const filter = captureFilter({
      controlPlaneIps: ['127.0.0.1', '::1'],
      controlPlanePort: 8443,
      metricsPort: 15090,
    });
    const program = execFileSync('tcpdump', ['-i', 'lo', '-d', filter], { encoding: 'utf8' });
    expect(program).toMatch(/ret\s+#0/);
  });
});
