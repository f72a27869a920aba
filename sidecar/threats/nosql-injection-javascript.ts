/**
 * Judges JavaScript bound for a MongoDB server (`$where`, `$function`, `$accumulator`, mapReduce): what it does that
 * no application filter needs, and whether a `$where` value is JavaScript at all.
 */

/**
 * What the code does, each a technique of OWASP's "Testing for NoSQL Injection" (WSTG-INPV-05.6) or its sequels.
 * The word `process` or a field `this.db` alone is no harm: only `process.` or `process[`, and `db.` not after a dot.
 */
const harms: readonly (readonly [pattern: RegExp, does: string])[] = [
  [/\bsleep\s*\(/, 'sleeps (a time-based blind injection)'],
  [/\bwhile\s*\(\s*(?:true|1|!0)\s*\)|\bfor\s*\(\s*;\s*;\s*\)/, 'loops forever (a denial of service)'],
  [/\bconstructor\b/, 'reaches for the Function constructor (a sandbox escape)'],
  [/\bprocess\s*[.[]|\brequire\s*\(/, 'reaches for the server process'],
  [/(?<![.\w$])db\s*\.\s*\w/, 'calls the database from inside the query'],
];

/** What the code does that an application's filter never needs, or undefined. */
export const javascriptHarm = (code: string): string | undefined => {
  for (const [pattern, does] of harms) if (pattern.test(code)) return does;
  return undefined;
};

/**
 * A bare `$where` parameter reads as JavaScript: property access on `this`, a function, a return, JavaScript's
 * equality or arrow, a statement separator, a loop. Socrata's SoQL API takes `$where=magnitude > 3 AND …` as a plain
 * query parameter, which has none of these.
 */
export const looksLikeJavascript = (text: string): boolean =>
  /\bthis\s*[.[]|\bfunction\b|\breturn\b|==|=>|;|\bsleep\s*\(|\bwhile\s*\(/.test(text);
