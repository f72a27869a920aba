/** The image build files: every COPY source exists and the entrypoint is the CLI (no Docker engine runs here). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.ts';

const root = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'infra', 'image', 'Dockerfile'), 'utf8');

describe('sidecar and control-plane image', () => {
  it('copies only paths that exist and installs capture and enforcement tools', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      (m[1] ?? '').split(/\s+/),
    );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) expect(existsSync(join(root, source)), source).toBe(true);
    expect(dockerfile).toMatch(/tcpdump iptables/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "\/opt\/meshward\/bin\/meshward\.js"\]/);
    expect(dockerfile).toMatch(/^FROM node:22/m);
  });

  it("copies the file npm ci's prepare step runs before npm ci runs it", () => {
    const prepare: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.prepare;
    const file = /^node (\S+)$/.exec(prepare)?.[1];
    expect(file, prepare).toBeDefined();
    const copied = dockerfile.indexOf(`COPY ${file} ./${file}`);
    expect(copied).toBeGreaterThan(0);
    expect(copied).toBeLessThan(dockerfile.indexOf('&& npm ci'));
  });

  it('is the image the injector uses by default', () => {
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    expect(parseConfig({}).inject.image).toBe(`ghcr.io/meshward/meshward:${version}`);
  });
});
