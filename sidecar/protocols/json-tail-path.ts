/**
 * Where the JSON tail reader is in the document (ADR 46): the keys of the objects it is in, as the JSON inputs name a
 * string (`$.user.name`, `$.rows[].q`; json-strings.ts numbers array elements, this reader does not count them). Its
 * depth is counted however deep; the names of the first 32 levels are kept, each to 64 characters.
 */

const maxLevels = 32;
const inArray = '[]';

export class JsonTailPath {
  /** A name per level: an object's current key ('' before its first), `[]` for an array. */
  private readonly levels: string[] = [];
  private depth = 0;

  /** `{` or `[`. */
  open(array: boolean): void {
    this.depth++;
    if (this.depth === this.levels.length + 1 && this.levels.length < maxLevels)
      this.levels.push(array ? inArray : '');
  }

  /** `}` or `]`. */
  close(): void {
    if (this.depth === 0) return;
    if (this.levels.length === this.depth) this.levels.pop();
    this.depth--;
  }

  /** A key of the object the reader is in. */
  key(name: string): void {
    if (this.depth > 0 && this.levels.length === this.depth && this.levels.at(-1) !== inArray)
      this.levels[this.depth - 1] = name.slice(0, 64);
  }

  /** The path of the object the reader is in (a key's), or with the current key (a value's). */
  path(ofValue: boolean): string {
    const names = ofValue ? this.levels : this.levels.slice(0, -1);
    let path = '$';
    for (const name of names) path += name === inArray ? inArray : `.${name}`;
    return this.depth > this.levels.length ? `${path}…` : path;
  }

  /** Whether the object the reader is in is one a recursive merge writes onto Object.prototype (json-strings.ts). */
  ontoPrototype(): boolean {
    const path = this.path(false);
    return path.endsWith('.__proto__') || path.endsWith('.constructor.prototype');
  }
}
