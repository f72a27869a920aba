/**
 * ONC RPC programs by number and their procedures by name: the portmapper (RFC 1833: `portmap` v2, `rpcbind` v3 and
 * v4), NFS v2, v3 (RFC 1813) and v4 (RFC 7530: NULL and COMPOUND), the MOUNT protocol (RFC 1813 appendix I), NIS's
 * ypserv (yp.x), and the names of the other programs a portmapper lists (IANA's rpc-program-numbers, /etc/rpc).
 */

const portmap = ['NULL', 'SET', 'UNSET', 'GETPORT', 'DUMP', 'CALLIT'];
const rpcbind3 = [
  'NULL',
  'SET',
  'UNSET',
  'GETADDR',
  'DUMP',
  'CALLIT',
  'GETTIME',
  'UADDR2TADDR',
  'TADDR2UADDR',
];
const rpcbind4 = [
  ...rpcbind3.slice(0, 5),
  'BCAST',
  ...rpcbind3.slice(6),
  'GETVERSADDR',
  'INDIRECT',
  'GETADDRLIST',
  'GETSTAT',
];
const nfs2 = [
  'NULL',
  'GETATTR',
  'SETATTR',
  'ROOT',
  'LOOKUP',
  'READLINK',
  'READ',
  'WRITECACHE',
  'WRITE',
  'CREATE',
  'REMOVE',
  'RENAME',
  'LINK',
  'SYMLINK',
  'MKDIR',
  'RMDIR',
  'READDIR',
  'STATFS',
];
const nfs3 = [
  'NULL',
  'GETATTR',
  'SETATTR',
  'LOOKUP',
  'ACCESS',
  'READLINK',
  'READ',
  'WRITE',
  'CREATE',
  'MKDIR',
  'SYMLINK',
  'MKNOD',
  'REMOVE',
  'RMDIR',
  'RENAME',
  'LINK',
  'READDIR',
  'READDIRPLUS',
  'FSSTAT',
  'FSINFO',
  'PATHCONF',
  'COMMIT',
];
const mount = ['NULL', 'MNT', 'DUMP', 'UMNT', 'UMNTALL', 'EXPORT', 'EXPORTALL', 'PATHCONF'];
const ypserv = [
  'NULL',
  'DOMAIN',
  'DOMAIN_NONACK',
  'MATCH',
  'FIRST',
  'NEXT',
  'XFR',
  'CLEAR',
  'ALL',
  'MASTER',
  'ORDER',
  'MAPLIST',
];

/** Names of programs without procedures read here (a portmapper's GETPORT or DUMP names them). */
const named: Record<number, string> = {
  100000: 'portmap',
  100001: 'rstatd',
  100002: 'rusersd',
  100003: 'nfs',
  100004: 'ypserv',
  100005: 'mount',
  100007: 'ypbind',
  100008: 'walld',
  100009: 'yppasswdd',
  100011: 'rquotad',
  100021: 'nlockmgr',
  100024: 'status',
  100083: 'ttdbserver',
  100227: 'nfs_acl',
  100249: 'mountd_idmap',
  150001: 'pcnfsd',
  300019: 'amd',
  390113: 'nsrexecd',
};

/** A program's name (`nfs`, `mount`), or its number. */
export const programName = (program: number): string => named[program] ?? String(program);

/** The name events give a program at a version: NFS and the portmapper name the version, as their procedures differ. */
export const programLabel = (program: number, version: number): string => {
  if (program === 100003) return `nfs${version}`;
  if (program === 100000) return version === 2 ? 'portmap' : 'rpcbind';
  return programName(program);
};

const procedureTable = (program: number, version: number): readonly string[] | undefined => {
  if (program === 100000) return version === 2 ? portmap : version === 3 ? rpcbind3 : rpcbind4;
  if (program === 100003) return version === 2 ? nfs2 : version === 3 ? nfs3 : ['NULL', 'COMPOUND'];
  if (program === 100005) return mount;
  if (program === 100004) return ypserv;
  return undefined;
};

/** A procedure's name (`MNT`, `READ`), or `proc <n>` for one not listed. */
export const procedureName = (program: number, version: number, procedure: number): string =>
  procedureTable(program, version)?.[procedure] ?? (procedure === 0 ? 'NULL' : `proc ${procedure}`);
