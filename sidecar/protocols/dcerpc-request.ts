/**
 * A DCE/RPC request on a named pipe (C706 §12.6.4.9, MS-RPCE §2.2.2): its operation number, named for the
 * interfaces a remote-administration or reconnaissance tool calls (MS-SAMR §3.1.5, MS-LSAD §3.1.4, MS-LSAT §3.1.4,
 * MS-SRVS §3.1.4, MS-WKST §3.2.4, MS-SCMR §3.1.4, MS-TSCH §3.2.5), by the interface the pipe was bound to.
 */
import { dcerpcLittleEndian } from './dcerpc-byte-order.ts';
import { u16be, u16le } from './wire-bytes.ts';

const operations: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  samr: {
    0: 'SamrConnect',
    1: 'SamrCloseHandle',
    5: 'SamrLookupDomainInSamServer',
    6: 'SamrEnumerateDomainsInSamServer',
    7: 'SamrOpenDomain',
    8: 'SamrQueryInformationDomain',
    11: 'SamrEnumerateGroupsInDomain',
    13: 'SamrEnumerateUsersInDomain',
    15: 'SamrEnumerateAliasesInDomain',
    16: 'SamrGetAliasMembership',
    17: 'SamrLookupNamesInDomain',
    18: 'SamrLookupIdsInDomain',
    19: 'SamrOpenGroup',
    25: 'SamrGetMembersInGroup',
    27: 'SamrOpenAlias',
    33: 'SamrGetMembersInAlias',
    34: 'SamrOpenUser',
    36: 'SamrQueryInformationUser',
    39: 'SamrGetGroupsForUser',
    40: 'SamrQueryDisplayInformation',
    46: 'SamrQueryInformationDomain2',
    47: 'SamrQueryInformationUser2',
    48: 'SamrQueryDisplayInformation2',
    51: 'SamrQueryDisplayInformation3',
    55: 'SamrUnicodeChangePasswordUser2',
    56: 'SamrGetDomainPasswordInformation',
    57: 'SamrConnect2',
    62: 'SamrConnect4',
    64: 'SamrConnect5',
  },
  // MS-LSAD and MS-LSAT share the lsarpc interface and its operation numbers.
  lsarpc: {
    0: 'LsarClose',
    2: 'LsarEnumeratePrivileges',
    6: 'LsarOpenPolicy',
    7: 'LsarQueryInformationPolicy',
    11: 'LsarEnumerateAccounts',
    13: 'LsarEnumerateTrustedDomains',
    14: 'LsarLookupNames',
    15: 'LsarLookupSids',
    35: 'LsarEnumerateAccountsWithUserRight',
    44: 'LsarOpenPolicy2',
    45: 'LsarGetUserName',
    46: 'LsarQueryInformationPolicy2',
    50: 'LsarEnumerateTrustedDomainsEx',
    57: 'LsarLookupSids2',
    58: 'LsarLookupNames2',
    68: 'LsarLookupNames3',
    76: 'LsarLookupSids3',
    77: 'LsarLookupNames4',
  },
  srvsvc: {
    8: 'NetrConnectionEnum',
    9: 'NetrFileEnum',
    12: 'NetrSessionEnum',
    15: 'NetrShareEnum',
    16: 'NetrShareGetInfo',
    21: 'NetrServerGetInfo',
    28: 'NetrRemoteTOD',
    36: 'NetrShareEnumSticky',
  },
  wkssvc: { 0: 'NetrWkstaGetInfo', 2: 'NetrWkstaUserEnum', 5: 'NetrWkstaTransportEnum' },
  svcctl: {
    0: 'RCloseServiceHandle',
    1: 'RControlService',
    11: 'RChangeServiceConfigW',
    12: 'RCreateServiceW',
    14: 'REnumServicesStatusW',
    15: 'ROpenSCManagerW',
    16: 'ROpenServiceW',
    19: 'RStartServiceW',
    24: 'RCreateServiceA',
    44: 'RCreateServiceWOW64A',
    45: 'RCreateServiceWOW64W',
  },
  atsvc: { 0: 'NetrJobAdd', 1: 'NetrJobDel', 2: 'NetrJobEnum' },
  ITaskSchedulerService: {
    1: 'SchRpcRegisterTask',
    7: 'SchRpcEnumTasks',
    12: 'SchRpcRun',
    13: 'SchRpcDelete',
  },
};

/** The operation's name on an interface (`SamrEnumerateUsersInDomain`), or `opnum 13` when unnamed. */
export const operationName = (rpc: string, opnum: number): string =>
  operations[rpc]?.[opnum] ?? `opnum ${opnum}`;

/**
 * The operation number of the request PDU at `b[at, end)`: version 5.0, PTYPE request (0), a fragment length that
 * holds its 24-octet header, the opnum at 22 in the PDU's byte order (C706 §14.2.5); undefined when it is no request.
 */
export const requestOpnum = (b: Uint8Array, at: number, end: number): number | undefined => {
  if (end > b.length || at < 0 || at + 24 > end || b[at] !== 5 || b[at + 1] !== 0 || b[at + 2] !== 0)
    return undefined;
  const u16 = dcerpcLittleEndian(b, at) ? u16le : u16be;
  return u16(b, at + 8) < 24 ? undefined : u16(b, at + 22);
};
