import { describe, expect, it } from 'vitest';
import type { HttpRequestEvent } from '#sidecar/events.ts';
import { etcdAccess } from '#sidecar/threats/etcd-access.ts';
import { etcdCall } from '#sidecar/threats/etcd-request.ts';
import { flow, httpRequest, runThreat } from './threat-factories.ts';

/** Protobuf, enough for etcd's requests: length-delimited fields (bytes, nested messages) and varints. */
const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  return [...out, v];
};
const bytesField = (field: number, value: string | Uint8Array): number[] => {
  const b = typeof value === 'string' ? [...Buffer.from(value, 'latin1')] : [...value];
  return [...varint(field * 8 + 2), ...varint(b.length), ...b];
};
const varintField = (field: number, value: number): number[] => [...varint(field * 8), ...varint(value)];
const grpc = (message: number[]): Uint8Array => {
  const length = message.length;
  return Uint8Array.from([
    0,
    length >>> 24,
    (length >>> 16) & 255,
    (length >>> 8) & 255,
    length & 255,
    ...message,
  ]);
};
const call = (method: string, message: number[]): HttpRequestEvent => ({
  ...httpRequest(`/etcdserverpb.${method}`, { method: 'POST', version: '2' }),
  headers: [['content-type', 'application/grpc']],
  body: grpc(message),
});
const range = (key: string, end = '') => [...bytesField(1, key), ...(end === '' ? [] : bytesField(2, end))];
const prefixes = ['/registry/', '/kubernetes.io/'];
const judged = (event: HttpRequestEvent) => etcdCall(event, prefixes);

describe('etcd-access: reading etcd requests', () => {
  it.each([
    [
      'KV/Range',
      range('/registry/secrets', '/registry/secrett'),
      'secrets',
      'read Secrets: /registry/secrets* (KV/Range)',
    ],
    [
      'KV/Range',
      range('/registry/secrets/default/db'),
      'secrets',
      'read Secrets: /registry/secrets/default/db (KV/Range)',
    ],
    ['KV/Range', range('\0', '\0'), 'secrets', 'read Secrets: every key (KV/Range)'],
    ['KV/Range', range('/registry/', '/registry0'), 'secrets', 'read Secrets: /registry/* (KV/Range)'],
    [
      'KV/Range',
      range('/registry/pods', '/registry/podt'),
      'cluster-read',
      'read /registry/pods* (KV/Range)',
    ],
    [
      'KV/Range',
      range('/registry/configmaps/', '\0'),
      'secrets',
      'read Secrets: /registry/configmaps/ onwards (KV/Range)',
    ],
    // Keys sort as octets: every key from /registry/services/ on comes after every Secret's.
    [
      'KV/Range',
      range('/registry/services/', '\0'),
      'cluster-read',
      'read /registry/services/ onwards (KV/Range)',
    ],
    [
      'KV/Range',
      range('/kubernetes.io/secrets/ns/x'),
      'secrets',
      'read Secrets: /kubernetes.io/secrets/ns/x (KV/Range)',
    ],
    ['KV/Range', range('/apisix/routes', '/apisix/routet'), 'other', 'KV/Range /apisix/routes*'],
    [
      'KV/Put',
      [...bytesField(1, '/registry/pods/default/evil'), ...bytesField(2, 'k8s\0...')],
      'write',
      'wrote /registry/pods/default/evil (KV/Put)',
    ],
    [
      'KV/Put',
      [...bytesField(1, '/apisix/routes/1'), ...bytesField(2, '{}')],
      'other',
      'KV/Put /apisix/routes/1',
    ],
    [
      'KV/DeleteRange',
      range('/registry/networkpolicies/', '/registry/networkpolicies0'),
      'write',
      'wrote /registry/networkpolicies/* (KV/DeleteRange)',
    ],
    [
      'Watch/Watch',
      bytesField(1, Uint8Array.from(range('/registry/secrets/', '/registry/secrets0'))),
      'secrets',
      'read Secrets: /registry/secrets/* (Watch/Watch)',
    ],
    ['Maintenance/Snapshot', [], 'snapshot', 'took a snapshot of the whole database'],
    ['Maintenance/Status', [], 'other', 'Maintenance/Status'],
  ])('%s request %#', (method, message, kind, what) => {
    expect(judged(call(method, message as number[]))).toEqual({ kind, what });
  });

  it('reads a Txn: a put in either branch is a write, a range covering Secrets a read of them', () => {
    const requestOp = (field: number, inner: number[]) => bytesField(field, Uint8Array.from(inner));
    const put = requestOp(
      2,
      bytesField(2, Uint8Array.from(bytesField(1, '/registry/clusterrolebindings/pwn'))),
    );
    expect(judged(call('KV/Txn', [...bytesField(1, 'compare'), ...put]))?.kind).toBe('write');
    const read = requestOp(3, bytesField(1, Uint8Array.from(range('/registry/secrets/a'))));
    expect(judged(call('KV/Txn', read))?.kind).toBe('secrets');
  });

  it('reads every message of a Watch stream: a second watch on Secrets after a harmless one (ADR 30)', () => {
    const watch = (key: string, end: string) => bytesField(1, Uint8Array.from(range(key, end)));
    const body = Uint8Array.from([
      ...grpc(watch('/app/config/', '/app/config0')),
      ...grpc(watch('/registry/secrets/', '/registry/secrets0')),
    ]);
    expect(judged({ ...call('Watch/Watch', []), body })).toEqual({
      kind: 'secrets',
      what: 'read Secrets: /registry/secrets/* (Watch/Watch)',
    });
  });

  it('merges the copies of a nested message as protobuf (and etcd) does: a RequestOp or watch split in two', () => {
    // The first copy names a harmless key, the second the Secrets range: etcd reads the merged message.
    const first = bytesField(1, Uint8Array.from(range('/app/config')));
    const second = bytesField(1, Uint8Array.from(range('/registry/secrets/', '/registry/secrets0')));
    const txn = bytesField(2, Uint8Array.from([...first, ...second]));
    expect(judged(call('KV/Txn', txn))).toEqual({
      kind: 'secrets',
      what: 'read Secrets: /registry/secrets/* (KV/Txn)',
    });
    // The second copy sets only range_end: merged, the key of the first and the end of the second.
    const endOnly = bytesField(1, Uint8Array.from(bytesField(2, '/registry0')));
    const split = bytesField(
      2,
      Uint8Array.from([...bytesField(1, Uint8Array.from(range('/registry/'))), ...endOnly]),
    );
    expect(judged(call('KV/Txn', split))?.kind).toBe('secrets');
    const watch = [
      ...bytesField(1, Uint8Array.from(range('/app/config/', '/app/config0'))),
      ...bytesField(1, Uint8Array.from(range('/registry/secrets/', '/registry/secrets0'))),
    ];
    expect(judged(call('Watch/Watch', watch))?.kind).toBe('secrets');
    // One copy of a harmless range stays harmless.
    expect(judged(call('KV/Txn', bytesField(2, Uint8Array.from(first))))?.kind).toBe('other');
  });

  it('reads a key the way etcd does when a request repeats it: the last one counts (protobuf)', () => {
    const twice = [...bytesField(1, '/app/config'), ...bytesField(1, '/registry/secrets/default/db')];
    expect(judged(call('KV/Range', twice))?.kind).toBe('secrets');
  });

  it('reads the JSON gateway (keys in base64) and v2 keys', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const gateway = {
      ...httpRequest('/v3/kv/range', {
        method: 'POST',
        body: JSON.stringify({ key: b64('/registry/secrets'), range_end: b64('/registry/secrett') }),
      }),
    };
    expect(judged(gateway)?.kind).toBe('secrets');
    expect(judged(httpRequest('/v3beta/maintenance/snapshot', { method: 'POST', body: '{}' }))?.kind).toBe(
      'snapshot',
    );
    expect(judged(httpRequest('/v2/keys/registry?recursive=true'))?.kind).toBe('secrets');
    expect(
      judged(httpRequest('/v2/keys/registry/pods/default/x', { method: 'PUT', body: 'value=x' }))?.kind,
    ).toBe('write');
  });

  it('leaves everything else alone, and survives broken messages', () => {
    expect(judged(httpRequest('/v3/users'))).toBeUndefined();
    expect(judged(httpRequest('/etcdserverpb'))).toBeUndefined();
    expect(judged({ ...call('KV/Range', []), body: Uint8Array.from([0, 0, 0, 0, 9, 10, 200]) })?.kind).toBe(
      'other',
    );
    expect(judged({ ...call('KV/Range', []), body: Uint8Array.from([1, 0, 0, 0, 2, 10, 0]) })?.kind).toBe(
      'other',
    );
    const varints = [...varintField(3, 10), ...bytesField(1, '/registry/secrets/x')];
    expect(judged(call('KV/Range', varints))?.kind).toBe('secrets');
  });
});

describe('etcd-access: findings', () => {
  const etcd = flow({ server: { ip: '10.96.0.20', port: 2379 }, protocol: 'grpc' });
  const run = (event: HttpRequestEvent, config?: Record<string, unknown>) =>
    runThreat(etcdAccess, [event], { flow: etcd, ...(config ? { config } : {}) });

  it('reports Secrets read at critical, naming the range and what it bypassed', () => {
    expect(run(call('KV/Range', range('/registry/secrets', '/registry/secrett')))).toEqual([
      expect.objectContaining({
        threat: 'etcd-access',
        severity: 'critical',
        confidence: 1,
        evidence:
          'read Secrets: /registry/secrets* (KV/Range) in etcd at 10.96.0.20:2379: past RBAC and the audit log',
      }),
    ]);
  });

  it('reports other reads and snapshots at high, leaves other calls off, and follows the policy', () => {
    expect(run(call('KV/Range', range('/registry/pods/')))[0]?.severity).toBe('high');
    expect(run(call('Maintenance/Snapshot', []))[0]?.severity).toBe('high');
    expect(run(call('Maintenance/Status', []))).toEqual([]);
    expect(run(call('Maintenance/Status', []), { otherCalls: 'low' })[0]?.severity).toBe('low');
    expect(run(call('KV/Range', range('/custom/secrets/x')), { prefixes: ['/custom/'] })[0]?.severity).toBe(
      'critical',
    );
    expect(run(call('KV/Range', range('/registry/secrets/x')), { allowClients: ['10.0.0.5'] })).toEqual([]);
    expect(() => etcdAccess.config.parse({ prefixes: ['registry'] })).toThrow(/starts and ends with/);
  });
});
