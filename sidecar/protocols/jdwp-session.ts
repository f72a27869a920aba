/**
 * What a JDWP session has told the tap so far, bounded: the VM's id sizes, class and method names by id (from the
 * replies that name them), the text of strings the debugger created, and the debugger's commands waiting for their
 * replies (paired by id).
 */
import { defaultIdSizes, type IdSizes } from './jdwp-reader.ts';

/** A debugger command waiting for its reply, with what its reply is read with. */
export type Pending = { set: number; command: number; note?: string };

export type JdwpSession = {
  sizes: IdSizes;
  /** Class names (`java.lang.Runtime`) by reference type id. */
  classes: Map<string, string>;
  /** Method names and their class's id, by method id (HotSpot's method ids are unique in the VM). */
  methods: Map<string, { name: string; classId: string }>;
  /** Created strings' text by object id, newest last. */
  strings: Map<string, string>;
  pending: Map<number, Pending>;
  /** Names told once per flow (command names, event kinds, error codes). */
  told: Set<string>;
};

export const limits = { classes: 8192, methods: 4096, strings: 256, pending: 256, told: 128 } as const;

export const createJdwpSession = (): JdwpSession => ({
  sizes: defaultIdSizes(),
  classes: new Map(),
  methods: new Map(),
  strings: new Map(),
  pending: new Map(),
  told: new Set(),
});

/** Sets `key` in `map`, forgetting the oldest entry when it holds `max`. */
export const remember = <K, V>(map: Map<K, V>, key: K, value: V, max: number): void => {
  map.delete(key);
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(key, value);
};

/** True the first time `name` is seen in the flow (at most `limits.told` names; past that, false). */
export const firstTime = (session: JdwpSession, name: string): boolean => {
  if (session.told.has(name) || session.told.size >= limits.told) return false;
  session.told.add(name);
  return true;
};

/** A class's name, or `class@<id>` when the session never named it. */
export const classOf = (session: JdwpSession, id: string): string => session.classes.get(id) ?? `class@${id}`;
