/**
 * The scan of a Java stream's octets past what a parser keeps (java-class-scan.ts): class descriptors' names found
 * however the octets are cut into chunks, only names a class can have, distinct, bounded; junk and text find nothing.
 */
import { describe, expect, it } from 'vitest';
import { createClassScan, maxScannedNameOctets } from '#sidecar/protocols/java-class-scan.ts';
import {
  commonsCollectionsChain,
  javaStream,
  plainJavaObject,
} from '#test/fixtures/serialization/serialized-objects.ts';
import { seededRandom } from '#test/helpers/random.ts';

const scanned = (...chunks: Uint8Array[]): readonly string[] => {
  const scan = createClassScan();
  for (const chunk of chunks) scan.push(chunk);
  return scan.names();
};

const chain = javaStream(commonsCollectionsChain);
const names = [
  'java.util.PriorityQueue',
  'org.apache.commons.collections4.comparators.TransformingComparator',
  'org.apache.commons.collections4.functors.InvokerTransformer',
];

describe('java class scan', () => {
  it('finds every class descriptor of a stream, in order, at every cut into two chunks', () => {
    expect(scanned(chain)).toEqual(names);
    for (let cut = 1; cut < chain.length; cut++)
      expect(scanned(chain.subarray(0, cut), chain.subarray(cut))).toEqual(names);
  });

  it('finds them fed octet by octet, and counts each class once', () => {
    expect(scanned(...[...chain, ...chain].map((octet) => Uint8Array.of(octet)))).toEqual(names);
  });

  it('takes only class names: no package, a bad character, a length past 512 or the stream cut short', () => {
    const descriptor = (name: string, length = name.length) =>
      Uint8Array.from([0x72, length >> 8, length & 0xff, ...Buffer.from(name, 'latin1')]);
    expect(scanned(descriptor('Envelope'))).toEqual([]);
    expect(scanned(descriptor('com.example.Bad Name'))).toEqual([]);
    expect(scanned(descriptor('com.example.A$Inner'))).toEqual(['com.example.A$Inner']);
    expect(scanned(descriptor(`com.${'a'.repeat(600)}.B`))).toEqual([]);
    expect(scanned(descriptor('com.example.Cut', 40))).toEqual([]);
    expect(scanned(javaStream(plainJavaObject))).toEqual(['com.example.shop.Cart']);
  });

  it('keeps names to 64 KiB of their octets: 1,500 junk classes before the gadget leave it found', () => {
    const junk = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        javaStream({ className: `java.junk.Class${1000 + i}`, fields: [] }),
      );
    const found = scanned(...junk(1500), chain);
    expect(found).toHaveLength(1503);
    expect(found.at(-1)).toBe('org.apache.commons.collections4.functors.InvokerTransformer');
    const flooded = scanned(...junk(5000), chain);
    expect(flooded.join('').length).toBeLessThanOrEqual(maxScannedNameOctets);
    expect(flooded).not.toContain('org.apache.commons.collections4.functors.InvokerTransformer');
  });

  it('finds nothing in text, runs of r and random octets', () => {
    expect(scanned(Buffer.from('order 42 for the warehouse, priority rrr'.repeat(1000)))).toEqual([]);
    expect(scanned(new Uint8Array(100_000).fill(0x72))).toEqual([]);
    const random = seededRandom(28);
    let found = 0;
    for (let i = 0; i < 200; i++) found += scanned(random.bytes(4096)).length;
    expect(found).toBe(0);
  });
});
