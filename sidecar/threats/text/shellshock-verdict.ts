/** Judges a value as Shellshock (CVE-2014-6271 family): a bash function definition at the start of the value, then more. */

/** Bash imports `() {` only at the very start of an environment value; a NUL, dots or spaces inside `()` are fuzzing variants. */
const definition = /^\s*\(\s*[\u0000. ]?\s*\)\s*\.?\s*\{[^}]*\}/;

export const shellshockVerdict = (value: string): string | undefined => {
  const match = definition.exec(value.slice(0, 256));
  if (match === null) return undefined;
  const rest = value.slice(match[0].length).trim();
  return rest === '' ? undefined : 'bash function definition followed by commands';
};
