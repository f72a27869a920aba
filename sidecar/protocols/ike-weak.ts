/**
 * Which algorithms of an IKE suite are weak, after RFC 8247 (IKEv2's algorithm requirements: DES, MD5-based
 * integrity and PRF are MUST NOT; 3DES, SHA-1 integrity and PRF, and the 1024-bit MODP group SHOULD NOT or are being
 * phased out) and RFC 8247 §2.4 on groups 1 and 2 (768 and 1024 bits, within reach of precomputation: Logjam,
 * CVE-2015-4000). The names are ike-names.ts's.
 */

const weak = new Set([
  'ENCR_DES_IV64',
  'ENCR_DES',
  'ENCR_DES_IV32',
  'ENCR_3DES',
  'ENCR_NULL',
  'ENCR_RC5',
  'ENCR_IDEA',
  'ENCR_BLOWFISH',
  'ENCR_CAST',
  'PRF_HMAC_MD5',
  'PRF_HMAC_SHA1',
  'AUTH_HMAC_MD5_96',
  'AUTH_HMAC_MD5_128',
  'AUTH_HMAC_SHA1_96',
  'AUTH_HMAC_SHA1_160',
  'AUTH_DES_MAC',
  'AUTH_KPDK_MD5',
  'HASH_MD5',
  'HASH_SHA1',
  'MODP_768',
  'MODP_1024',
  'MODP_1024_160',
]);

/** The weak names in a suite text (`ENCR_3DES HASH_SHA1 AUTH_PSK MODP_1024`), key lengths and alternatives apart. */
export const weakAlgorithms = (suite: string): string[] => {
  const found: string[] = [];
  for (const part of suite.split(/[ /]/)) {
    const name = part.replace(/-\d+$/, '');
    if (weak.has(name) && !found.includes(name)) found.push(name);
  }
  return found;
};
