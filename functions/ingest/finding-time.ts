/** The time a finding describes: when its flow began, or when it was observed. */
import type { Finding } from '#core/finding.ts';

export const findingTime = (finding: Finding): string => {
  switch (finding.type) {
    case 'flow':
    case 'threat':
    case 'violation':
      return finding.firstSeen;
    case 'capture':
      return finding.from;
    case 'heartbeat':
    case 'admission':
      return finding.at;
  }
};
