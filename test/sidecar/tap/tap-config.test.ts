import { describe, expect, it } from 'vitest';
import { tapConfigFromEnv } from '#sidecar/tap/tap-config.ts';

describe('tapConfigFromEnv', () => {
  it('takes what the injector sets and fills safe defaults', () => {
    const config = tapConfigFromEnv({
      MESHWARD_CONTROL_PLANE_URL: 'https://meshward.meshward.svc:8443',
      MESHWARD_TOKEN_PATH: '/var/run/secrets/meshward/token/token',
      MESHWARD_MODE: 'monitor',
      MESHWARD_SNAPLEN: '1500',
    });
    expect(config).toMatchObject({
      mode: 'monitor',
      snaplen: 1500,
      captureInterface: 'any',
      metricsPort: 15_090,
      enforce: true,
      queueMaxFindings: 20_000,
    });
  });

  it('reports every problem at once', () => {
    expect(() =>
      tapConfigFromEnv({
        MESHWARD_CONTROL_PLANE_URL: 'not a url',
        MESHWARD_MODE: 'yolo',
        MESHWARD_CAPTURE_INTERFACE: 'eth0; rm -rf /',
      }),
    ).toThrow(/controlPlaneUrl[\s\S]*tokenPath[\s\S]*mode[\s\S]*captureInterface/);
  });
});
