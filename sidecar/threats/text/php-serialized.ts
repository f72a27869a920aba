/**
 * PHP `serialize()` objects in a value: `O:<length>:"<class>":<count>:{` and a Serializable's `C:<length>:"<class>":`
 * (ext/standard/var_unserializer.re). `unserialize()` on them builds an object of the class named and runs its magic
 * methods (`__wakeup`, `__destruct`): phpggc's chains. Arrays and strings (`a:1:{s:4:"user";…}`) are data and are
 * left alone; an object in an array is found all the same. The length must be the class name's, as PHP checks it.
 */
import { gadgetIn } from './deserialization-gadgets.ts';
import type { Serialized } from './serialized-format.ts';

/** `O:+8:` is accepted by PHP before 7.2 and used to pass filters that look for `O:\d`. */
const objectPattern = /([OC]):\+?(\d{1,4}):"([A-Za-z_\x80-\xff\\][\w\x80-\xff\\]{0,1023})":(\d{1,9}):\{/g;

/** The first PHP object serialized in `text`, with the phpggc chain its classes belong to; undefined when none. */
export const phpSerialized = (text: string): Serialized | undefined => {
  if (text.indexOf(':"') < 0) return undefined;
  for (const match of text.matchAll(objectPattern)) {
    const [, kind, length, name] = match as unknown as [string, string, string, string];
    if (Number(length) !== name.length) continue;
    const what = kind === 'O' ? 'object' : 'Serializable object';
    return { format: `PHP serialized ${what} ${name.slice(0, 80)}`, gadget: gadgetIn(text, 'php') };
  }
  return undefined;
};
