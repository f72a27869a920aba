/** IP fragment attacks: overlapping fragments (teardrop) and tiny first fragments that split the transport header (RFC 1858). */
import { z } from 'zod';
import { detectorConfig, noHits, type PacketEvent, type Threat, type ThreatHit } from './threat.ts';
import { fragmentBytes, packetHit } from './window/packet-hit.ts';

const config = detectorConfig('high', {
  /** A first fragment (offset 0, more fragments) with fewer data bytes than this cannot hold a TCP header. */
  minFirstFragment: z.number().int().min(0).default(16),
});

const describe = (event: PacketEvent, min: number): string | undefined => {
  const fragment = event.fragment;
  if (fragment === undefined) return undefined;
  if (fragment.overlap) return `overlapping IP fragment at offset ${fragment.offset} (teardrop)`;
  const data = fragmentBytes(event);
  if (fragment.offset === 0 && fragment.more && data < min) return `tiny first fragment of ${data} bytes`;
  // RFC 1858 §3.2: an offset of 8 bytes can only rewrite the TCP flags of the first fragment.
  return fragment.offset === 8 ? 'fragment at offset 8 overwrites the transport header' : undefined;
};

export const ipFragmentAttack: Threat<typeof config, undefined> = {
  id: 'ip-fragment-attack',
  on: ['packet'],
  packets: ['fragment'],
  config,
  scope: 'global',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'packet' || event.fragment === undefined) return noHits;
    const evidence = describe(event, c.minFirstFragment);
    if (evidence === undefined) return noHits;
    return [
      packetHit('ip-fragment-attack', c, {
        ts: event.ts,
        count: 1,
        evidence,
        client: event.src,
        server: event.dst,
      }),
    ];
  },
};
