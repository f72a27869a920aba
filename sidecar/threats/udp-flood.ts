/** UDP flood: one source sending datagrams to one host far above any service's normal rate, over a sliding window. */
import { volumetricThreat } from './window/volumetric-threat.ts';

export const udpFlood = volumetricThreat({
  id: 'udp-flood',
  severity: 'high',
  windowMs: 1000,
  threshold: 5000,
  packets: ['udp'],
  key: (packet) => (packet.transport === 'udp' ? `${packet.src.ip}>${packet.dst.ip}` : undefined),
  describe: (level, windowMs, packet) =>
    `${level} UDP datagrams ${packet.src.ip} → ${packet.dst.ip} within ${windowMs} ms`,
});
