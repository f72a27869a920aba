import { describe, expect, it } from 'vitest';
import { connectionIndex } from '#sidecar/threats/window/connection-index.ts';

const a = { ip: '10.0.0.1', port: 40_000 };
const b = { ip: '10.0.0.2', port: 80 };
const v6 = { ip: 'fd00::2', port: 80 };

describe('connectionIndex', () => {
  it('finds a connection by its direction and endpoints, not by the reverse or a lookalike', () => {
    const index = connectionIndex<string>(4);
    index.add(a, b, 'a→b');
    expect(index.get({ ...a }, { ...b })).toBe('a→b');
    expect(index.get(b, a)).toBeUndefined();
    expect(index.get(a, v6)).toBeUndefined();
    expect(index.get(a, { ...b, port: 81 })).toBeUndefined();
  });

  it('keeps colliding connections apart and deletes only the one named', () => {
    // Two buckets: hundreds of connections share each chain.
    const index = connectionIndex<number>(1);
    for (let port = 0; port < 500; port++) index.add({ ...a, port }, b, port);
    expect(index.delete({ ...a, port: 250 }, b)).toBe(250);
    expect(index.delete({ ...a, port: 9_999 }, b)).toBeUndefined();
    expect(index.get({ ...a, port: 250 }, b)).toBeUndefined();
    for (const port of [0, 1, 249, 251, 499]) expect(index.get({ ...a, port }, b)).toBe(port);
  });
});
