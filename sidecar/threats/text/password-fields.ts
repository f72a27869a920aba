/**
 * A password sent as a request field: a login form (`password=...`), a JSON body (`{"password": ...}`), a multipart
 * field or a query parameter. The field's name says so (its last segment: `user[password]`, `$.credentials.pwd`);
 * an empty value is not a password. The user is taken from a field named like one, when the request has it.
 */
import type { HttpRequestEvent } from '../../events.ts';
import { httpInputs } from './http-inputs.ts';
import type { PayloadInput } from './payload-input.ts';

const passwordName = /^(password|passwd|pwd|pass|passphrase|passcode|new_?password|current_?password)$/i;
const userName = /^(user|username|user_?name|login|email|e-mail|account|user_?id)$/i;
/** Where a field may sit for this check: never the path, a header or a cookie (a session id is not a password). */
const fieldKinds = /^(form|query|json|multipart) /;

/** The last segment of a field's name: `form user[password]` → password, `json $.auth.pwd` → pwd. */
const lastSegment = (where: string): string => {
  const name = where.slice(where.indexOf(' ') + 1).replace(/\]$/, '');
  return name.slice(Math.max(name.lastIndexOf('.'), name.lastIndexOf('['), name.lastIndexOf(' ')) + 1);
};

/** `hint` first: a test that allocates nothing, so most inputs (not named like either) cost one regex each. */
const isField = (input: PayloadInput, hint: RegExp, name: RegExp): boolean =>
  hint.test(input.where) &&
  fieldKinds.test(input.where) &&
  input.raw !== '' &&
  name.test(lastSegment(input.where));
const passwordHint = /pass|pwd/i;
const userHint = /user|login|mail|account/i;

export type PasswordField = { where: string; user?: string };

/** The first password field of a request and the user it is for, or undefined (no body or query: not asked). */
export const passwordField = (event: HttpRequestEvent): PasswordField | undefined => {
  if (event.body.length === 0 && event.query === '') return undefined;
  const inputs = httpInputs(event);
  const password = inputs.find((input) => isField(input, passwordHint, passwordName));
  if (password === undefined) return undefined;
  const user = inputs.find((input) => isField(input, userHint, userName))?.raw.slice(0, 64);
  const field = { where: password.where.slice(0, 80) };
  return user !== undefined && /^[\x20-\x7e]+$/.test(user) ? { ...field, user } : field;
};
