/**
 * A Zabbix item key (Zabbix 6.0 manual, "Item key format"): a name of letters, digits, `_`, `-` and `.`, then
 * optionally its parameters in brackets, separated by commas, each plain (up to the next comma or the closing
 * bracket), quoted (`"a, b"`, `\"` for a quote inside) or an array in brackets.
 */

export type ItemKey = { name: string; params: readonly string[] };

const namePattern = /^[\w.-]{1,255}$/;
/** At most this many parameters are read; the rest are left. */
const maxParams = 16;

/** A quoted parameter from `at` (its opening quote): its text unescaped, and where it ends. */
const quoted = (text: string, at: number): [string, number] => {
  let out = '';
  let i = at + 1;
  for (; i < text.length && text[i] !== '"'; i++) {
    if (text[i] === '\\' && text[i + 1] === '"') i++;
    out += text[i];
  }
  return [out, i + 1];
};

/** A plain (or array) parameter from `at`: up to the comma or bracket that ends it, nested brackets kept whole. */
const plain = (text: string, at: number): [string, number] => {
  let depth = 0;
  let i = at;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']' && depth-- === 0) break;
    else if (c === ',' && depth === 0) break;
  }
  return [text.slice(at, i).trim(), i];
};

/** The parameters inside `name[...]` (the text after the opening bracket); whatever follows is not judged. */
const paramsOf = (text: string): string[] => {
  const params: string[] = [];
  let at = 0;
  while (at <= text.length && params.length < maxParams) {
    while (text[at] === ' ') at++;
    const [param, end] = text[at] === '"' ? quoted(text, at) : plain(text, at);
    params.push(param);
    let next = end;
    while (text[next] === ' ') next++;
    if (text[next] !== ',') break;
    at = next + 1;
  }
  return params;
};

/** The key's name and parameters; undefined when it has no valid name (not an item key). */
export const parseItemKey = (key: string): ItemKey | undefined => {
  const bracket = key.indexOf('[');
  const name = bracket < 0 ? key : key.slice(0, bracket);
  if (!namePattern.test(name)) return undefined;
  return { name, params: bracket < 0 ? [] : paramsOf(key.slice(bracket + 1)) };
};
