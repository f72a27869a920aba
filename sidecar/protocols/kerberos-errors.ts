/**
 * Kerberos 5 error codes (RFC 4120 §7.5.9) by name, and which of them refuse a password login (an AS exchange), so
 * that only those count as refused logins for db-auth-brute-force.
 */

const names: Readonly<Record<number, string>> = {
  1: 'KDC_ERR_NAME_EXP',
  2: 'KDC_ERR_SERVICE_EXP',
  3: 'KDC_ERR_BAD_PVNO',
  6: 'KDC_ERR_C_PRINCIPAL_UNKNOWN',
  7: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
  8: 'KDC_ERR_PRINCIPAL_NOT_UNIQUE',
  9: 'KDC_ERR_NULL_KEY',
  10: 'KDC_ERR_CANNOT_POSTDATE',
  11: 'KDC_ERR_NEVER_VALID',
  12: 'KDC_ERR_POLICY',
  13: 'KDC_ERR_BADOPTION',
  14: 'KDC_ERR_ETYPE_NOSUPP',
  15: 'KDC_ERR_SUMTYPE_NOSUPP',
  16: 'KDC_ERR_PADATA_TYPE_NOSUPP',
  17: 'KDC_ERR_TRTYPE_NOSUPP',
  18: 'KDC_ERR_CLIENT_REVOKED',
  19: 'KDC_ERR_SERVICE_REVOKED',
  20: 'KDC_ERR_TGT_REVOKED',
  21: 'KDC_ERR_CLIENT_NOTYET',
  22: 'KDC_ERR_SERVICE_NOTYET',
  23: 'KDC_ERR_KEY_EXPIRED',
  24: 'KDC_ERR_PREAUTH_FAILED',
  25: 'KDC_ERR_PREAUTH_REQUIRED',
  26: 'KDC_ERR_SERVER_NOMATCH',
  27: 'KDC_ERR_MUST_USE_USER2USER',
  28: 'KDC_ERR_PATH_NOT_ACCEPTED',
  29: 'KDC_ERR_SVC_UNAVAILABLE',
  31: 'KRB_AP_ERR_BAD_INTEGRITY',
  32: 'KRB_AP_ERR_TKT_EXPIRED',
  33: 'KRB_AP_ERR_TKT_NYV',
  34: 'KRB_AP_ERR_REPEAT',
  35: 'KRB_AP_ERR_NOT_US',
  36: 'KRB_AP_ERR_BADMATCH',
  37: 'KRB_AP_ERR_SKEW',
  38: 'KRB_AP_ERR_BADADDR',
  39: 'KRB_AP_ERR_BADVERSION',
  40: 'KRB_AP_ERR_MSG_TYPE',
  41: 'KRB_AP_ERR_MODIFIED',
  42: 'KRB_AP_ERR_BADORDER',
  44: 'KRB_AP_ERR_BADKEYVER',
  45: 'KRB_AP_ERR_NOKEY',
  46: 'KRB_AP_ERR_MUT_FAIL',
  47: 'KRB_AP_ERR_BADDIRECTION',
  48: 'KRB_AP_ERR_METHOD',
  49: 'KRB_AP_ERR_BADSEQ',
  50: 'KRB_AP_ERR_INAPP_CKSUM',
  51: 'KRB_AP_PATH_NOT_ACCEPTED',
  52: 'KRB_ERR_RESPONSE_TOO_BIG',
  60: 'KRB_ERR_GENERIC',
  61: 'KRB_ERR_FIELD_TOOLONG',
  68: 'KDC_ERR_WRONG_REALM',
};

export const kerberosErrorName = (code: number): string => names[code] ?? 'error';

/**
 * The codes that refuse the client's credentials or account, counted as a refused login like SMB's
 * STATUS_LOGON_FAILURE, STATUS_NO_SUCH_USER and STATUS_ACCOUNT_* (smb-status.ts): a wrong password (24
 * PREAUTH_FAILED; 31 BAD_INTEGRITY, which older Windows DCs answer a wrong password with), no such user (6
 * C_PRINCIPAL_UNKNOWN: user-name guessing, as kerbrute's user enumeration does), and an account that may not log in
 * (1 NAME_EXP, an expired account; 18 CLIENT_REVOKED, disabled or locked out, which a domain with a lockout policy
 * answers a guesser with after a few tries; 23 KEY_EXPIRED, an expired password). Every other code says nothing
 * about the password and is not a login's outcome: 25 PREAUTH_REQUIRED is the usual first round of a login, 52
 * RESPONSE_TOO_BIG asks to retry over TCP, 68 WRONG_REALM is a referral, and 37 SKEW (the clocks disagree), 12
 * POLICY, 14 ETYPE_NOSUPP, 7 S_PRINCIPAL_UNKNOWN and the ticket errors are about the request, not the password.
 */
const refusals: ReadonlySet<number> = new Set([1, 6, 18, 23, 24, 31]);

export const refusesLogin = (code: number): boolean => refusals.has(code);
