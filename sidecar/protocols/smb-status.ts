/**
 * NT status codes an SMB server answers with (MS-ERREF §2.3.1), named for events, and which of them refuse a login:
 * a wrong password (STATUS_LOGON_FAILURE), or an account that may not log in (STATUS_ACCOUNT_*, expired passwords).
 */

const names: ReadonlyMap<number, string> = new Map([
  [0x00000000, 'STATUS_SUCCESS'],
  [0x00000103, 'STATUS_PENDING'],
  [0x80000005, 'STATUS_BUFFER_OVERFLOW'],
  [0xc0000016, 'STATUS_MORE_PROCESSING_REQUIRED'],
  [0xc0000022, 'STATUS_ACCESS_DENIED'],
  [0xc0000034, 'STATUS_OBJECT_NAME_NOT_FOUND'],
  [0xc0000035, 'STATUS_OBJECT_NAME_COLLISION'],
  [0xc000003a, 'STATUS_OBJECT_PATH_NOT_FOUND'],
  [0xc0000043, 'STATUS_SHARING_VIOLATION'],
  [0xc0000064, 'STATUS_NO_SUCH_USER'],
  [0xc000006a, 'STATUS_WRONG_PASSWORD'],
  [0xc000006d, 'STATUS_LOGON_FAILURE'],
  [0xc000006e, 'STATUS_ACCOUNT_RESTRICTION'],
  [0xc000006f, 'STATUS_INVALID_LOGON_HOURS'],
  [0xc0000070, 'STATUS_INVALID_WORKSTATION'],
  [0xc0000071, 'STATUS_PASSWORD_EXPIRED'],
  [0xc0000072, 'STATUS_ACCOUNT_DISABLED'],
  [0xc00000bb, 'STATUS_NOT_SUPPORTED'],
  [0xc00000cc, 'STATUS_BAD_NETWORK_NAME'],
  [0xc0000193, 'STATUS_ACCOUNT_EXPIRED'],
  [0xc0000224, 'STATUS_PASSWORD_MUST_CHANGE'],
  [0xc0000234, 'STATUS_ACCOUNT_LOCKED_OUT'],
  [0xc0000199, 'STATUS_NOLOGON_WORKSTATION_TRUST_ACCOUNT'],
]);

/** Codes that answer a login with "these credentials are not accepted" (MS-ERREF; MS-SMB2 §3.3.5.5.3). */
const refusals: ReadonlySet<number> = new Set([
  0xc0000064, 0xc000006a, 0xc000006d, 0xc000006e, 0xc000006f, 0xc0000070, 0xc0000071, 0xc0000072, 0xc0000193,
  0xc0000224, 0xc0000234,
]);

export const statusSuccess = 0;
export const statusPending = 0x103;
export const statusMoreProcessing = 0xc0000016;

/** `STATUS_LOGON_FAILURE`, or `0xC00000AB` when unnamed. */
export const statusName = (status: number): string =>
  names.get(status) ?? `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;

/** The login was refused for its credentials or account (not for a server fault or an unsupported mechanism). */
export const refusesLogin = (status: number): boolean => refusals.has(status);
