/**
 * Apache Shiro key guessing (CVE-2016-4437), per client: tools (shiro_attack, ShiroExploit, Nuclei's templates) send
 * `rememberMe` cookies sealed with one public key after another, and Shiro answers each one it cannot open with
 * `Set-Cookie: rememberMe=deleteMe`; the answer without it names the key. A browser sends one cookie and drops it at
 * the first `deleteMe`, and a failed login (Shiro clears the cookie then too) carries none or the same one: only many
 * different cookies, each refused, are a guess. State starts at a client's first `deleteMe`.
 */
import type { Header, HttpRequestEvent, HttpResponseEvent } from '../events.ts';
import { requestCookie } from './text/request-cookie.ts';
import { callersOf } from './threat.ts';
import type { ScannerClient } from './web-scanner-client.ts';
import type { WebScannerConfig } from './web-scanner-config.ts';
import type { Context, Found, State } from './web-scanner-reports.ts';
import { addDistinct, distinctWindow } from './window/distinct-window.ts';
import { addToRate, rateWindow } from './window/rate-window.ts';

/** Whether the answer clears the cookie as Shiro does when it cannot open it (`rememberMe=deleteMe`). */
export const clearsCookie = (headers: readonly Header[], name: string): boolean => {
  for (let i = 0; i < headers.length; i++) {
    const [header, value] = headers[i] as Header;
    if (header.length === 10 && value.startsWith(name) && header.toLowerCase() === 'set-cookie')
      if (value.startsWith(`${name}=deleteMe`)) return true;
  }
  return false;
};

/**
 * A request's cookie, counted for each caller already refused once: distinct values, by their first 256 characters.
 * Costs nothing while no client has state, and one header scan after.
 */
export const countShiroCookie = (event: HttpRequestEvent, state: State, ctx: Context): void => {
  const c = ctx.config;
  if (state.size === 0 || c.shiroGuessingSeverity === 'off') return;
  const cookie = requestCookie(event.headers, c.shiroCookie);
  if (cookie === undefined || cookie === 'deleteMe' || cookie === '') return;
  for (const caller of callersOf(ctx.flow, event, ctx.proxies, c.allowClients)) {
    const shiro = state.get(caller.key)?.shiro;
    if (shiro !== undefined)
      shiro.distinct = addDistinct(
        shiro.cookies,
        cookie.slice(0, 256),
        event.ts,
        c.windowMs,
        c.minShiroGuesses * 2,
      );
  }
};

/** An answer clearing the cookie: counted, and a guess once enough different cookies were refused in the window. */
export const shiroRefusal = (
  client: ScannerClient,
  event: HttpResponseEvent,
  c: WebScannerConfig,
): Found | undefined => {
  client.shiro ??= { cookies: distinctWindow(), refused: rateWindow(), distinct: 0 };
  const refused = addToRate(client.shiro.refused, event.ts, c.windowMs);
  const cookies = client.shiro.distinct;
  if (refused < c.minShiroGuesses || cookies < c.minShiroGuesses) return undefined;
  return {
    label: 'shiro key guessing',
    severity: c.shiroGuessingSeverity,
    confidence: 0.85,
    count: cookies,
    evidence: `Apache Shiro key guessing (CVE-2016-4437): ${cookies} different ${c.shiroCookie} cookies within ${c.windowMs} ms, ${refused} answered ${c.shiroCookie}=deleteMe (Shiro could not open them): a tool trying public keys`,
  };
};
