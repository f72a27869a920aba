/**
 * IKE's numbers by the names IANA's registries give them ("Internet Key Exchange Version 2 (IKEv2) Parameters" and
 * "Internet Key Exchange (IKE) Attributes"), as strongSwan's and Wireshark's logs print them: exchange types, IKEv2
 * transform ids, IKEv1 SA attributes and notify message types.
 */

export const exchangeNames: Readonly<Record<number, string>> = {
  2: 'Main Mode',
  4: 'Aggressive Mode',
  5: 'Informational',
  32: 'Quick Mode',
  33: 'New Group Mode',
  34: 'IKE_SA_INIT',
  35: 'IKE_AUTH',
  36: 'CREATE_CHILD_SA',
  37: 'INFORMATIONAL',
  43: 'IKE_INTERMEDIATE',
};

/** Transform type 1 (RFC 7296 §3.3.2; RFC 8247 says which are weak). */
const encryption: Readonly<Record<number, string>> = {
  1: 'ENCR_DES_IV64',
  2: 'ENCR_DES',
  3: 'ENCR_3DES',
  4: 'ENCR_RC5',
  5: 'ENCR_IDEA',
  6: 'ENCR_CAST',
  7: 'ENCR_BLOWFISH',
  8: 'ENCR_3IDEA',
  9: 'ENCR_DES_IV32',
  11: 'ENCR_NULL',
  12: 'ENCR_AES_CBC',
  13: 'ENCR_AES_CTR',
  14: 'ENCR_AES_CCM_8',
  15: 'ENCR_AES_CCM_12',
  16: 'ENCR_AES_CCM_16',
  18: 'ENCR_AES_GCM_8',
  19: 'ENCR_AES_GCM_12',
  20: 'ENCR_AES_GCM_16',
  21: 'ENCR_NULL_AUTH_AES_GMAC',
  23: 'ENCR_CAMELLIA_CBC',
  24: 'ENCR_CAMELLIA_CTR',
  28: 'ENCR_CHACHA20_POLY1305',
};

/** Transform type 2. */
const prf: Readonly<Record<number, string>> = {
  1: 'PRF_HMAC_MD5',
  2: 'PRF_HMAC_SHA1',
  3: 'PRF_HMAC_TIGER',
  4: 'PRF_AES128_XCBC',
  5: 'PRF_HMAC_SHA2_256',
  6: 'PRF_HMAC_SHA2_384',
  7: 'PRF_HMAC_SHA2_512',
  8: 'PRF_AES128_CMAC',
};

/** Transform type 3. */
const integrity: Readonly<Record<number, string>> = {
  0: 'NONE',
  1: 'AUTH_HMAC_MD5_96',
  2: 'AUTH_HMAC_SHA1_96',
  3: 'AUTH_DES_MAC',
  4: 'AUTH_KPDK_MD5',
  5: 'AUTH_AES_XCBC_96',
  6: 'AUTH_HMAC_MD5_128',
  7: 'AUTH_HMAC_SHA1_160',
  8: 'AUTH_AES_CMAC_96',
  9: 'AUTH_AES_128_GMAC',
  10: 'AUTH_AES_192_GMAC',
  11: 'AUTH_AES_256_GMAC',
  12: 'AUTH_HMAC_SHA2_256_128',
  13: 'AUTH_HMAC_SHA2_384_192',
  14: 'AUTH_HMAC_SHA2_512_256',
};

/** Transform type 4, and IKEv1's group description (class 4): the same numbers. */
export const groupNames: Readonly<Record<number, string>> = {
  0: 'NONE',
  1: 'MODP_768',
  2: 'MODP_1024',
  5: 'MODP_1536',
  14: 'MODP_2048',
  15: 'MODP_3072',
  16: 'MODP_4096',
  17: 'MODP_6144',
  18: 'MODP_8192',
  19: 'ECP_256',
  20: 'ECP_384',
  21: 'ECP_521',
  22: 'MODP_1024_160',
  23: 'MODP_2048_224',
  24: 'MODP_2048_256',
  25: 'ECP_192',
  26: 'ECP_224',
  27: 'ECP_224_BP',
  28: 'ECP_256_BP',
  29: 'ECP_384_BP',
  30: 'ECP_512_BP',
  31: 'CURVE_25519',
  32: 'CURVE_448',
};

/** Transform type 5. */
const esn: Readonly<Record<number, string>> = { 0: 'NO_ESN', 1: 'ESN' };

const byType: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: encryption,
  2: prf,
  3: integrity,
  4: groupNames,
  5: esn,
};

/** An IKEv2 transform's name (`ENCR_AES_CBC-256` with a key length), or its type and number when unknown. */
export const transformName = (type: number, id: number, keyLength: number | undefined): string => {
  const name = byType[type]?.[id] ?? `T${type}_${id}`;
  return keyLength === undefined ? name : `${name}-${keyLength}`;
};

/** IKEv1 (RFC 2409 appendix A; RFC 3602 for AES): encryption algorithms, class 1, by IKEv2's names. */
export const v1Encryption: Readonly<Record<number, string>> = {
  1: 'ENCR_DES',
  2: 'ENCR_IDEA',
  3: 'ENCR_BLOWFISH',
  4: 'ENCR_RC5',
  5: 'ENCR_3DES',
  6: 'ENCR_CAST',
  7: 'ENCR_AES_CBC',
  8: 'ENCR_CAMELLIA_CBC',
};

/** IKEv1 hash algorithms, class 2. */
export const v1Hash: Readonly<Record<number, string>> = {
  1: 'HASH_MD5',
  2: 'HASH_SHA1',
  3: 'HASH_TIGER',
  4: 'HASH_SHA2_256',
  5: 'HASH_SHA2_384',
  6: 'HASH_SHA2_512',
};

/** IKEv1 authentication methods, class 3 (and XAuth's, draft-beaulieu-ike-xauth-02 §7.2). */
export const v1Auth: Readonly<Record<number, string>> = {
  1: 'AUTH_PSK',
  2: 'AUTH_DSS_SIG',
  3: 'AUTH_RSA_SIG',
  4: 'AUTH_RSA_ENC',
  5: 'AUTH_RSA_ENC_REV',
  64221: 'AUTH_HYBRID_INIT_RSA',
  64222: 'AUTH_HYBRID_RESP_RSA',
  65001: 'AUTH_XAUTH_INIT_PSK',
  65002: 'AUTH_XAUTH_RESP_PSK',
  65005: 'AUTH_XAUTH_INIT_RSA',
  65006: 'AUTH_XAUTH_RESP_RSA',
};

/** IKEv2 notify message types (RFC 7296 §3.10.1 and later RFCs' status types); IKEv1's differ below 16384. */
const v2Notifies: Readonly<Record<number, string>> = {
  1: 'UNSUPPORTED_CRITICAL_PAYLOAD',
  4: 'INVALID_IKE_SPI',
  5: 'INVALID_MAJOR_VERSION',
  7: 'INVALID_SYNTAX',
  9: 'INVALID_MESSAGE_ID',
  11: 'INVALID_SPI',
  14: 'NO_PROPOSAL_CHOSEN',
  17: 'INVALID_KE_PAYLOAD',
  24: 'AUTHENTICATION_FAILED',
  34: 'SINGLE_PAIR_REQUIRED',
  35: 'NO_ADDITIONAL_SAS',
  36: 'INTERNAL_ADDRESS_FAILURE',
  37: 'FAILED_CP_REQUIRED',
  38: 'TS_UNACCEPTABLE',
  39: 'INVALID_SELECTORS',
  43: 'TEMPORARY_FAILURE',
  44: 'CHILD_SA_NOT_FOUND',
  16384: 'INITIAL_CONTACT',
  16385: 'SET_WINDOW_SIZE',
  16386: 'ADDITIONAL_TS_POSSIBLE',
  16387: 'IPCOMP_SUPPORTED',
  16388: 'NAT_DETECTION_SOURCE_IP',
  16389: 'NAT_DETECTION_DESTINATION_IP',
  16390: 'COOKIE',
  16391: 'USE_TRANSPORT_MODE',
  16392: 'HTTP_CERT_LOOKUP_SUPPORTED',
  16393: 'REKEY_SA',
  16394: 'ESP_TFC_PADDING_NOT_SUPPORTED',
  16395: 'NON_FIRST_FRAGMENTS_ALSO',
  16396: 'MOBIKE_SUPPORTED',
  16404: 'MULTIPLE_AUTH_SUPPORTED',
  16405: 'ANOTHER_AUTH_FOLLOWS',
  16406: 'REDIRECT_SUPPORTED',
  16407: 'REDIRECT',
  16408: 'REDIRECTED_FROM',
  16417: 'EAP_ONLY_AUTHENTICATION',
  16418: 'CHILDLESS_IKEV2_SUPPORTED',
  16430: 'IKEV2_FRAGMENTATION_SUPPORTED',
  16431: 'SIGNATURE_HASH_ALGORITHMS',
  16441: 'INTERMEDIATE_EXCHANGE_SUPPORTED',
};

/** ISAKMP's notify types (RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706's DPD). */
const v1Notifies: Readonly<Record<number, string>> = {
  1: 'INVALID_PAYLOAD_TYPE',
  14: 'NO_PROPOSAL_CHOSEN',
  16: 'PAYLOAD_MALFORMED',
  18: 'INVALID_ID_INFORMATION',
  24: 'AUTHENTICATION_FAILED',
  24576: 'RESPONDER_LIFETIME',
  24578: 'INITIAL_CONTACT',
  36136: 'R_U_THERE',
  36137: 'R_U_THERE_ACK',
};

export const notifyName = (version: 1 | 2, type: number): string =>
  (version === 2 ? v2Notifies : v1Notifies)[type] ?? `NOTIFY_${type}`;
