/**
 * The `rememberMe` cookies of a request opened with Shiro's public keys, for `insecure-deserialization`: one opener
 * per policy (its keys made AES keys once), remembering recent cookies, since a browser sends the same one with every
 * request and trying the keys on it costs a few AES blocks each.
 */
import type { Header } from '../../events.ts';
import { memoVerdict, type TextVerdict } from './memo-verdict.ts';
import type { PayloadInput } from './payload-input.ts';
import { requestCookie } from './request-cookie.ts';
import { openShiroCookie, type ShiroOpened, shiroKeys } from './shiro-remember-me.ts';

export type ShiroPolicy = {
  shiroCookies: readonly string[];
  shiroKeys: readonly string[];
  extraShiroKeys: readonly string[];
};
type Opener = { places: Set<string>; open: TextVerdict<ShiroOpened> };

const openers = new WeakMap<ShiroPolicy, Opener>();

const openerOf = (policy: ShiroPolicy): Opener => {
  let opener = openers.get(policy);
  if (opener === undefined) {
    const keys = shiroKeys([...policy.shiroKeys, ...policy.extraShiroKeys]);
    opener = {
      places: new Set(policy.shiroCookies.map((name) => `cookie ${name}`)),
      open: memoVerdict((value) => openShiroCookie(value, keys), 256, 64 * 1024),
    };
    openers.set(policy, opener);
  }
  return opener;
};

/**
 * Whether a request's Cookie headers name one of the policy's cookies: asked once a request, so its inputs are tried
 * only when one is there.
 */
export const carriesShiroCookie = (headers: readonly Header[], policy: ShiroPolicy): boolean =>
  policy.shiroCookies.some((name) => requestCookie(headers, name) !== undefined);

/** A cookie sent percent-encoded (`%2B`, `%3D`): its base64 as Shiro reads it, or the text when it is not. */
const unescaped = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** The input opened, when it is one of the policy's cookies and opens with one of its keys. */
export const shiroCookie = (input: PayloadInput, policy: ShiroPolicy): ShiroOpened | undefined => {
  if (!input.where.startsWith('cookie ')) return undefined;
  const opener = openerOf(policy);
  if (!opener.places.has(input.where)) return undefined;
  return opener.open(input.raw.includes('%') ? unescaped(input.raw) : input.raw);
};
