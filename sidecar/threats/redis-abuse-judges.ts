/**
 * redis-abuse's judges: what each command it reads asks of the server (read when it is sent), and what that is
 * once the server's answer is known (it succeeded, it was refused, or its answer was not seen).
 */

/** A judged command, as sent: what it would change and what it would do. */
export type Ask = {
  seq: number;
  ts: number;
  command: string;
  /** CONFIG SET: the settings read here (dir, dbfilename, the protections), names lower case. */
  settings?: readonly (readonly [name: string, value: string])[];
  /** MODULE LOAD's module, REPLICAOF's master. */
  target?: string;
};

/** The server's answer: `unknown` when it was not seen (or came inside MULTI, where EXEC tells it). */
export type Outcome = { said: 'ok' | 'refused' | 'unknown'; error?: string };

/** Per connection: where the dump would be written, whether the server was made a replica. */
export type Place = {
  dir?: string;
  file?: string;
  /** Every CONFIG SET that placed the dump was answered OK (false once one's answer was not seen). */
  placedSurely?: boolean;
  replicaOf?: string;
};

export type Verdict = { kind: 'code' | 'replication' | 'protection'; confidence: number; story: string };

/** Where a dump file becomes code or a login: SSH keys, cron, web roots, shell start-up files, system directories. */
const dangerousPlace =
  /(?:\/\.ssh\b|authorized_keys|\/cron|crontab|\/var\/www|\/html\b|\.php$|\.jsp$|\.bashrc|\.profile|^\/etc\b|^\/root\b|^\/usr\b|^\/bin\b)/i;
const luaEscape =
  /\bpackage\.loadlib\b|\bio\.popen\b|\bos\.execute\b|\bluaopen_(?:io|os)\b|\bdofile\b|\bloadfile\b/;
const protections: Record<string, RegExp> = {
  'protected-mode': /^no$/i,
  'enable-protected-configs': /^(?:yes|local)$/i,
  'enable-module-command': /^(?:yes|local)$/i,
  'enable-debug-command': /^(?:yes|local)$/i,
};

/** A verdict's confidence when its command's answer was not seen, raised when it succeeded, lowered when refused. */
const sure = (unseen: number, o: Outcome): number =>
  Math.round(
    100 * (o.said === 'ok' ? Math.min(1, unseen + 0.1) : o.said === 'refused' ? unseen - 0.15 : unseen),
  ) / 100;

/** The command, and how the server answered it when seen. */
const told = (command: string, o: Outcome): string =>
  o.said === 'ok'
    ? `${command}, succeeded`
    : o.said === 'refused'
      ? `${command}, refused: ${o.error}`
      : command;

const tried = (o: Outcome, done: string, attempt: string): string => (o.said === 'refused' ? attempt : done);

const dumpPlace = (p: Place): string => `${p.dir ?? '.'}/${p.file ?? 'dump.rdb'}`;
/** A place as a story shows it: its start and its end (where the directory that matters is) when it is long. */
const shown = (place: string): string =>
  place.length <= 120 ? place : `${place.slice(0, 40)}…${place.slice(-79)}`;
const isDangerous = (p: Place): boolean =>
  (p.dir !== undefined || p.file !== undefined) && dangerousPlace.test(dumpPlace(p));

const protectionOff = (name: string, value: string, o: Outcome): Verdict => ({
  kind: 'protection',
  confidence: sure(0.8, o),
  story: `${tried(o, 'set', 'tried to set')} ${name} ${value}${o.said === 'unknown' ? '' : ` (${told('CONFIG SET', o)})`}`,
});

/** CONFIG SET: the dump's place (moved only when not refused), protections turned off. */
const configSet = (ask: Ask, o: Outcome, place: Place): Verdict | undefined => {
  const next: Place = { ...place };
  let verdict: Verdict | undefined;
  for (const [name, value] of ask.settings ?? []) {
    if (name === 'dir') next.dir = value;
    else if (name === 'dbfilename') next.file = value;
    else verdict = protectionOff(name, value, o);
  }
  const moved = next.dir !== place.dir || next.file !== place.file;
  if (moved && o.said !== 'refused')
    Object.assign(place, next, { placedSurely: (place.placedSurely ?? true) && o.said === 'ok' });
  if (!moved || !isDangerous(next)) return verdict;
  return {
    kind: 'code',
    confidence: sure(0.8, o),
    story: `${tried(o, 'pointed', 'tried to point')} its dump at ${shown(dumpPlace(next))} (${told('CONFIG SET', o)})`,
  };
};

/** SAVE, BGSAVE with the dump placed where it becomes code: the file written, surest when each step succeeded. */
const saved = (ask: Ask, o: Outcome, place: Place): Verdict | undefined => {
  if (!isDangerous(place)) return undefined;
  const where = shown(dumpPlace(place));
  const placed = place.placedSurely === true && o.said !== 'refused';
  const story =
    o.said === 'refused'
      ? `tried to write its dump to ${where} (${told(ask.command, o)})`
      : placed && o.said === 'ok'
        ? `wrote ${where} through its dump (CONFIG SET and ${ask.command} succeeded)`
        : placed
          ? `wrote its dump to ${where} (CONFIG SET succeeded, then ${ask.command})`
          : `wrote its dump to ${where} (${told(ask.command, o)})`;
  return { kind: 'code', confidence: sure(placed ? 0.95 : 0.9, o), story };
};

const moduleLoaded = (ask: Ask, o: Outcome, place: Place): Verdict => {
  const after = place.replicaOf === undefined ? '' : `, after replicating from ${place.replicaOf}`;
  return {
    kind: 'code',
    confidence: sure(0.9, o),
    story: `${tried(o, 'loaded', 'tried to load')} the module ${ask.target ?? ''}${after} (${told('MODULE LOAD', o)})`,
  };
};

const lua = (ask: Ask, o: Outcome): Verdict => ({
  kind: 'code',
  confidence: sure(0.9, o),
  story: `${tried(o, 'ran', 'tried')} Lua that reaches outside its sandbox (${told(ask.command, o)}, CVE-2022-0543)`,
});

const replicated = (ask: Ask, o: Outcome, place: Place): Verdict => {
  if (o.said !== 'refused') place.replicaOf = ask.target ?? '';
  return {
    kind: 'replication',
    confidence: sure(0.6, o),
    story: `${tried(o, 'made', 'tried to make')} it a replica of ${ask.target} (${told(ask.command, o)})`,
  };
};

type Reader = (command: string, args: readonly string[]) => Pick<Ask, 'settings' | 'target'> | undefined;

/**
 * A setting's value as kept: a directory longer than PATH_MAX (4096 octets on Linux) is refused by chdir, so what is
 * kept is all a server could take. It was cut at 256 characters: `/./././…/root/.ssh` hid its end (ADR 36).
 */
const maxSettingValue = 4096;

/**
 * CONFIG SET's settings read here, each once (the last value given; Redis refuses a name given twice): at most six,
 * however many arguments the command has.
 */
const readConfigSet: Reader = (_, args) => {
  if ((args[0] ?? '').toUpperCase() !== 'SET') return undefined;
  const settings = new Map<string, string>();
  for (let i = 1; i + 1 < args.length; i += 2) {
    const name = (args[i] ?? '').toLowerCase();
    const value = args[i + 1] ?? '';
    // Own names only: `constructor` or `__proto__` would find Object's, whose `test` is no function.
    if (
      name === 'dir' ||
      name === 'dbfilename' ||
      (Object.hasOwn(protections, name) && protections[name]?.test(value))
    )
      settings.set(name, value.slice(0, maxSettingValue));
  }
  return settings.size > 0 ? { settings: [...settings] } : undefined;
};
const readLua: Reader = (_, args) => (luaEscape.test(args.join(' ')) ? {} : undefined);
const readReplicaOf: Reader = (_, args) =>
  (args[0] ?? '').toUpperCase() === 'NO'
    ? undefined
    : { target: `${args[0] ?? ''}:${args[1] ?? ''}`.slice(0, 120) };
const readModuleLoad: Reader = (_, args) =>
  (args[0] ?? '').toUpperCase() === 'LOAD' ? { target: (args[1] ?? '').slice(0, 120) } : undefined;

type Judge = { read: Reader; judge: (ask: Ask, o: Outcome, place: Place) => Verdict | undefined };

/** The commands read, each with its reader and judge; any other command says nothing. */
export const judges: Readonly<Record<string, Judge>> = {
  CONFIG: { read: readConfigSet, judge: configSet },
  SAVE: { read: () => ({}), judge: saved },
  BGSAVE: { read: () => ({}), judge: saved },
  MODULE: { read: readModuleLoad, judge: moduleLoaded },
  EVAL: { read: readLua, judge: lua },
  EVAL_RO: { read: readLua, judge: lua },
  SCRIPT: { read: readLua, judge: lua },
  FUNCTION: { read: readLua, judge: lua },
  REPLICAOF: { read: readReplicaOf, judge: replicated },
  SLAVEOF: { read: readReplicaOf, judge: replicated },
};
