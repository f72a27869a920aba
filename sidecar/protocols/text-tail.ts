/**
 * The lines of a plain-text request body past the 64 KiB kept of it (ADR 46): `text/*` other than JSON and XML, and
 * bodies without a type, which the injection inputs judge as one text. Each later line (its first and last 8 KiB) is
 * offered to `KeptValues`, which keeps repeats and plain lines from filling the bound. The line the bound cut goes on:
 * its rest is offered.
 */
import type { LaterValues } from '../events.ts';
import { KeptValues, type LaterTail } from './later-values.ts';
import { ValueWindow } from './value-window.ts';

/** Octets kept of a line's start and end (xss reads 8 KiB of a value at once). */
export const textLineWindow = 8 * 1024;

const newline = 0x0a;

class TextTail implements LaterTail {
  private readonly kept = new KeptValues(false);
  private readonly line = new ValueWindow(textLineWindow);
  private cutLines = 0;

  feed(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      const end = data.indexOf(newline, at);
      this.line.add(data, at, end < 0 ? data.length : end);
      if (end < 0) return;
      this.endLine();
      at = end + 1;
    }
  }

  private endLine(): void {
    if (this.line.length > 0) {
      if (this.line.cut) this.cutLines++;
      if (this.kept.full) this.kept.unread++;
      else {
        const text = this.line.text().replace(/\r$/, '');
        if (text.trim() !== '') this.kept.offer('', text);
      }
    }
    this.line.clear();
  }

  result(): LaterValues {
    this.endLine();
    return this.kept.result('text', this.cutLines);
  }
}

/** A reader of a text body's lines past the bound. */
export const createTextTail = (): LaterTail => new TextTail();
