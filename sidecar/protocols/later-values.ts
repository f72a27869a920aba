/**
 * What a form or JSON body's tail reader keeps of the values past the 64 KiB kept of a request body (ADR 46), for the
 * injection detectors. Bounded in all, whatever the body's length. An attacker pads in front of the attack and behind
 * it; three rules keep padding from pushing the attack out cheaply:
 * - a value the same as one kept (name and value) costs nothing and is not kept again: padding repeats;
 * - a value with no character a detector's first test reacts to (`trigger`) is plain, and plain values fill at most a
 *   quarter of the bound, so padding of words and numbers leaves the rest to values that hold a quote, `<`, `$`...;
 * - what comes when the bound is full is counted as unread, which `uninspected-body` reports.
 * The limit: more than 48 KiB of different values that each hold a trigger character, in front of the attack, still
 * push it out; the body is then reported as not read to its end.
 */
import type { LaterValue, LaterValues } from '../events.ts';

/** Characters kept in all: names and values, and `perValueCost` more per value (a cap on their number too). */
export const laterValuesBudget = 64 * 1024;
/** Of the bound, what plain values (no trigger character) may fill. */
const plainShare = 16 * 1024;
const perValueCost = 16;
/**
 * A character or pair some injection detector's first cheap test reacts to: quotes, markup, shell and template
 * syntax, escapes (`%`, `\`), line breaks, slashes (paths, schemes) and a climb (`..`). A form's value is tested as
 * sent, so `%27` counts.
 */
const trigger = /['"`<>$;|&(){}[\]\\%=*#!\r\n/]|\.\./;

/** A tail reader: the body's octets past its bound go in, the values kept come out. */
export type LaterTail = {
  feed(data: Uint8Array): void;
  result(): LaterValues;
};

export class KeptValues {
  readonly values: LaterValue[] = [];
  unread = 0;
  private size = 0;
  private plainSize = 0;
  private readonly seen = new Set<string>();

  /** `namesCount`: whether a name's characters make a value hold a trigger (a form's, sent by the client; not a JSON path). */
  constructor(private readonly namesCount: boolean) {}

  /**
   * Whether a value can still be kept at all: when not, a reader counts the next ones unread without making their
   * text (a repeat then counts too).
   */
  get full(): boolean {
    return this.size + perValueCost > laterValuesBudget;
  }

  offer(name: string, value: string): void {
    const key = `${name}\u0000${value}`;
    if (this.seen.has(key)) return;
    const cost = name.length + value.length + perValueCost;
    const plain = !trigger.test(value) && !(this.namesCount && trigger.test(name));
    if (this.size + cost > laterValuesBudget || (plain && this.plainSize + cost > plainShare)) {
      this.unread++;
      return;
    }
    this.seen.add(key);
    this.values.push([name, value]);
    this.size += cost;
    if (plain) this.plainSize += cost;
  }

  result(kind: LaterValues['kind'], unread: number): LaterValues {
    return { kind, values: this.values, unread: this.unread + unread };
  }
}
