/**
 * Vendor ID payloads an IKE peer sends (RFC 7296 §3.12, RFC 2408 §3.16): opaque octets, mostly an MD5 of a name, that
 * name the software or an extension it speaks. The list is strongSwan's own (`isakmp_vendor.c`, which recognises its
 * peers by it) with ike-scan's names: strongSwan's MD5("strongSwan"), XAuth, RFC 3706's DPD, Cisco Unity, the
 * fragmentation extension, Windows, Check Point, ZyXEL and the NAT traversal drafts. Some match on a prefix: a
 * version follows it.
 */

type Vendor = { name: string; id: string; prefix: boolean };

const vendors: readonly Vendor[] = [
  { name: 'strongSwan', id: '882fe56d6fd20dbc2251613b2ebe5beb', prefix: false },
  { name: 'XAuth', id: '09002689dfd6b712', prefix: false },
  { name: 'DPD', id: 'afcad71368a1f1c96b8696fc77570100', prefix: false },
  { name: 'Cisco Unity', id: '12f5f28c457168a9702d9fe274cc01', prefix: true },
  { name: 'FRAGMENTATION', id: '4048b7d56ebce88525e7de7f00d6c2d3', prefix: true },
  { name: 'MS NT5 ISAKMPOAKLEY', id: '1e2b516905991c7d7c96fcbfb587e461', prefix: true },
  { name: 'Checkpoint Firewall', id: 'f4ed19e0c114eb516faaac0ee37daf2807b4381f', prefix: true },
  { name: 'ZyXEL ZyWALL Router', id: 'b858d1addd08c1e8adafea150608aa4497aa6cc8', prefix: false },
  { name: 'ZyXEL ZyWALL USG 100', id: 'f758f22668750f03b08df6ebe1d0', prefix: false },
  { name: 'ZyXEL ZyWALL', id: '625027749d5ab97f5616c1602765cf480a3b7d0b', prefix: false },
  { name: 'NAT-T (RFC 3947)', id: '4a131c81070358455c5728f20e95452f', prefix: false },
  { name: 'draft-ietf-ipsec-nat-t-ike-03', id: '7d9419a65310ca6f2c179d9215529d56', prefix: false },
  { name: 'draft-ietf-ipsec-nat-t-ike-02', id: 'cd60464335df21f87cfdb2fc68b6a448', prefix: false },
  { name: 'draft-ietf-ipsec-nat-t-ike-02\\n', id: '90cb80913ebb696e086381b5ec427b1f', prefix: false },
  { name: 'draft-ietf-ipsec-nat-t-ike-08', id: '8f8d83826d246b6fc7a8a6a428c11de8', prefix: false },
  { name: 'draft-ietf-ipsec-nat-t-ike-07', id: '439b59f8ba676c4c7737ae22eab8f582', prefix: false },
  { name: 'draft-ietf-ipsec-nat-t-ike-06', id: '4d1e0e136deafa34c4f3ea9f02ec7285', prefix: false },
  { name: 'draft-ietf-ipsec-nat-t-ike-05', id: '80d0bb3def54565ee84645d4c85ce3ee', prefix: false },
  { name: 'draft-ietf-ipsec-nat-t-ike-04', id: '9909b64eed937c6573de52ace952fa6b', prefix: false },
  { name: 'draft-ietf-ipsec-nat-t-ike-00', id: '4485152d18b6bbcd0be8a8469579ddcc', prefix: false },
];

/** Octets shown of a vendor id nobody named. */
const shownOctets = 8;

/** The vendor's name for `data` (a vendor id payload's body, as hex), or `unknown:` and its first octets. */
export const vendorName = (data: string): string => {
  for (const v of vendors) if (v.prefix ? data.startsWith(v.id) : data === v.id) return v.name;
  return `unknown:${data.slice(0, shownOctets * 2)}`;
};
