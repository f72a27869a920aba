/** IPv4 and IPv6 CIDRs, parsed by one reader: every list of addresses in configs, policies and allow-lists uses it. */
import { isIP } from 'node:net';

export type Cidr = { address: string; bits: number; family: 'ipv4' | 'ipv6' };

/**
 * `10.0.0.0/8`, `fd00::/8`; with `bareAddress`, also `192.0.2.7` (as /32) and `2001:db8::1` (as /128). Undefined for
 * anything else: a prefix longer than the family's width, bits that are not 1 to 3 digits, more than one slash.
 */
export const parseCidr = (text: string, options: { bareAddress?: boolean } = {}): Cidr | undefined => {
  const [address = '', bits, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return undefined;
  const width = family === 4 ? 32 : 128;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (bits === undefined)
    return options.bareAddress === true ? { address, bits: width, family: type } : undefined;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > width) return undefined;
  return { address, bits: Number(bits), family: type };
};
