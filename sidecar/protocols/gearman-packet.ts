/**
 * Gearman's binary packets (gearman.org/protocol, and gearmand's libgearman/command.cc for the types it added): a
 * 4-octet magic (`\0REQ` to the job server, `\0RES` from it), a 32-bit big-endian type, a 32-bit length, then the
 * arguments, NUL-separated, the last one (the data) running to the end.
 */
import { u32be } from './wire-bytes.ts';

export const gearmanHeaderLength = 12;

/**
 * A type's name, who sends it (`req`: to the server, `res`: from it), and the NUL-separated arguments before its
 * data.
 */
export type GearmanType = { name: string; req: boolean; res: boolean; fields: number; empty?: true };

const t = (name: string, side: 'req' | 'res' | 'both', fields: number, empty?: true): GearmanType => ({
  name,
  req: side !== 'res',
  res: side !== 'req',
  fields,
  ...(empty === true ? { empty } : {}),
});

/** By number; 5 is unused. `fields`: the arguments before the last (the rust and Go clients' `nargs`). */
const types: readonly (GearmanType | undefined)[] = [
  undefined,
  t('CAN_DO', 'req', 0),
  t('CANT_DO', 'req', 0),
  t('RESET_ABILITIES', 'req', 0, true),
  t('PRE_SLEEP', 'req', 0, true),
  undefined,
  t('NOOP', 'res', 0, true),
  t('SUBMIT_JOB', 'req', 2),
  t('JOB_CREATED', 'res', 0),
  t('GRAB_JOB', 'req', 0, true),
  t('NO_JOB', 'res', 0, true),
  t('JOB_ASSIGN', 'res', 2),
  t('WORK_STATUS', 'both', 2),
  t('WORK_COMPLETE', 'both', 1),
  t('WORK_FAIL', 'both', 0),
  t('GET_STATUS', 'req', 0),
  t('ECHO_REQ', 'req', 0),
  t('ECHO_RES', 'res', 0),
  t('SUBMIT_JOB_BG', 'req', 2),
  t('ERROR', 'res', 1),
  t('STATUS_RES', 'res', 4),
  t('SUBMIT_JOB_HIGH', 'req', 2),
  t('SET_CLIENT_ID', 'req', 0),
  t('CAN_DO_TIMEOUT', 'req', 1),
  t('ALL_YOURS', 'req', 0, true),
  t('WORK_EXCEPTION', 'both', 1),
  t('OPTION_REQ', 'req', 0),
  t('OPTION_RES', 'res', 0),
  t('WORK_DATA', 'both', 1),
  t('WORK_WARNING', 'both', 1),
  t('GRAB_JOB_UNIQ', 'req', 0, true),
  t('JOB_ASSIGN_UNIQ', 'res', 3),
  t('SUBMIT_JOB_HIGH_BG', 'req', 2),
  t('SUBMIT_JOB_LOW', 'req', 2),
  t('SUBMIT_JOB_LOW_BG', 'req', 2),
  t('SUBMIT_JOB_SCHED', 'req', 7),
  t('SUBMIT_JOB_EPOCH', 'req', 3),
  t('SUBMIT_REDUCE_JOB', 'req', 3),
  t('SUBMIT_REDUCE_JOB_BACKGROUND', 'req', 3),
  t('GRAB_JOB_ALL', 'req', 0, true),
  t('JOB_ASSIGN_ALL', 'res', 4),
  t('GET_STATUS_UNIQUE', 'req', 0),
  t('STATUS_RES_UNIQUE', 'res', 5),
];

/** gearmand refuses a packet past its `GEARMAN_MAX_...` bounds long before this: 256 MiB. */
export const maxGearmanLength = 1 << 28;

/** `\0REQ` or `\0RES`, as the direction sends it: the magic's octets 1 to 3. */
const magicOf = (request: boolean): readonly number[] => (request ? [0x52, 0x45, 0x51] : [0x52, 0x45, 0x53]);

/** Whether `b` opens with the direction's magic, as far as it goes. */
export const opensMagic = (b: Uint8Array, request: boolean): boolean => {
  if (b.length > 0 && b[0] !== 0) return false;
  const magic = magicOf(request);
  for (let i = 1; i < Math.min(b.length, 4); i++) if (b[i] !== magic[i - 1]) return false;
  return true;
};

export type GearmanHeader = { type: GearmanType; length: number };

/** The 12-octet header at the start of `b` when it holds together for the direction; undefined otherwise. */
export const readGearmanHeader = (b: Uint8Array, request: boolean): GearmanHeader | undefined => {
  if (b.length < gearmanHeaderLength || !opensMagic(b, request)) return undefined;
  const number = u32be(b, 4);
  const type = number < types.length ? types[number] : undefined;
  if (type === undefined || !(request ? type.req : type.res)) return undefined;
  const length = u32be(b, 8);
  if (length > maxGearmanLength || (type.empty === true && length !== 0)) return undefined;
  return { type, length };
};
