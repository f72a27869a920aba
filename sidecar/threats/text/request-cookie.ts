/** A request's cookies, read from its Cookie headers as a server reads them: by name, at a crumb's start. */
import type { Header } from '../../events.ts';

/** The value of the cookie named `name` in the request's Cookie headers, or undefined. */
export const requestCookie = (headers: readonly Header[], name: string): string | undefined => {
  for (const [header, value] of headers) {
    if (header.length !== 6 || header.toLowerCase() !== 'cookie') continue;
    for (let at = value.indexOf(`${name}=`); at >= 0; at = value.indexOf(`${name}=`, at + 1)) {
      if (at > 0 && value[at - 1] !== ' ' && value[at - 1] !== ';') continue;
      const end = value.indexOf(';', at);
      return value.slice(at + name.length + 1, end < 0 ? value.length : end).trim();
    }
  }
  return undefined;
};
