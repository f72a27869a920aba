/**
 * The fields of an `application/x-www-form-urlencoded` request body past the 64 KiB kept of it (ADR 46). A field
 * padded past the bound used to pass unjudged: `pad=AAAA…(70 KB)&q=' OR 1=1--`. Past the bound the fields stream on
 * (WHATWG URL's application/x-www-form-urlencoded parser: split at `&`, then at the first `=`); each name and value
 * is kept as sent, percent-encoded, its first and last 8 KiB (a long value's middle passes by once), and offered to
 * `KeptValues`, which bounds what is kept in all. The field the bound cut goes on: its rest is offered under its name.
 */
import type { LaterValues } from '../events.ts';
import { KeptValues, type LaterTail } from './later-values.ts';
import { octetsText, ValueWindow } from './value-window.ts';
import { joinParts } from './wire-bytes.ts';

/** Octets kept of a value's start and of its end: as many as the detectors read of a value at once (xss: 8 KiB). */
export const formValueWindow = 8 * 1024;
/** Octets kept of a name's start and end: names are short, and judged for what they write (`__proto__[x]`). */
const nameWindow = 1024;

const ampersand = 0x26;
const equals = 0x3d;

/** The field the bound cut, from the octets kept before it: its name, and whether its value had begun. */
const cutField = (kept: readonly Uint8Array[]): { name: Uint8Array; inValue: boolean } => {
  let first = kept.length - 1;
  while (first > 0 && (kept[first] as Uint8Array).lastIndexOf(ampersand) < 0) first--;
  const start = (kept[first]?.lastIndexOf(ampersand) ?? -1) + 1;
  const parts = [kept[first]?.subarray(start) ?? new Uint8Array(0), ...kept.slice(first + 1)];
  const field = joinParts(
    parts,
    parts.reduce((n, p) => n + p.length, 0),
  );
  const eq = field.indexOf(equals);
  return eq >= 0 ? { name: field.subarray(0, eq), inValue: true } : { name: field, inValue: false };
};

class FormTail implements LaterTail {
  private readonly kept = new KeptValues(true);
  private readonly name = new ValueWindow(nameWindow);
  private readonly value = new ValueWindow(formValueWindow);
  private inValue: boolean;
  /** Long values whose middle was text: unread. */
  private cutValues = 0;
  /** The next `=` in the chunk being read, once looked for (-1: none left in it). */
  private nextEquals = -1;

  constructor(kept: readonly Uint8Array[]) {
    const cut = cutField(kept);
    this.name.add(cut.name, 0, cut.name.length);
    this.inValue = cut.inValue;
  }

  /** The next `=` from `at`: each octet of a chunk is looked at once, however many fields have none. */
  private equalsAt(b: Uint8Array, at: number): number {
    if (this.nextEquals !== -1 && this.nextEquals < at) this.nextEquals = b.indexOf(equals, at);
    return this.nextEquals;
  }

  feed(data: Uint8Array): void {
    this.nextEquals = data.indexOf(equals);
    let at = 0;
    while (at < data.length) {
      const amp = data.indexOf(ampersand, at);
      const end = amp < 0 ? data.length : amp;
      if (!this.inValue) {
        const eq = this.equalsAt(data, at);
        if (eq >= 0 && eq < end) {
          this.name.add(data, at, eq);
          this.inValue = true;
          at = eq + 1;
        }
      }
      (this.inValue ? this.value : this.name).add(data, at, end);
      if (amp < 0) return;
      this.endField();
      at = amp + 1;
    }
  }

  private endField(): void {
    if (this.name.length > 0 || this.value.length > 0) {
      if (this.name.cut || this.value.cut) this.cutValues++;
      if (this.kept.full) this.kept.unread++;
      else {
        const name = this.name.text(octetsText, '');
        this.kept.offer(name, this.inValue ? this.value.text() : name);
      }
    }
    this.name.clear();
    this.value.clear();
    this.inValue = false;
  }

  result(): LaterValues {
    this.endField();
    return this.kept.result('form', this.cutValues);
  }
}

/** A reader of a form's fields past the bound; `kept`: the body's octets kept before it (the cut field's start). */
export const createFormTail = (kept: readonly Uint8Array[]): LaterTail => new FormTail(kept);
