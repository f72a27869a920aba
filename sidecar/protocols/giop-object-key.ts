/**
 * An object key as a summary shows it: printable keys (`NameService`, an omniINSPOA name) as they are, cut at 40
 * characters; others (POA keys are mostly binary) as `0x` and their first 8 octets in hex. Bounded either way.
 */
import { isPrintable, latin1 } from './wire-bytes.ts';

const maxShown = 40;
const maxHexOctets = 8;

export const showObjectKey = (key: Uint8Array): string => {
  if (key.length === 0) return '(empty key)';
  if (isPrintable(key, 0, key.length))
    return key.length > maxShown ? `${latin1(key, 0, maxShown)}…` : latin1(key);
  const shown = Buffer.from(key.subarray(0, maxHexOctets)).toString('hex');
  return `0x${shown}${key.length > maxHexOctets ? '…' : ''}`;
};
