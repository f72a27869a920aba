/** Headless Chromium for the dashboard's browser tests and benchmark: launched, signed in, the graph's counts read. */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

/** A page in a new context whose local storage holds the token, as after signing in. */
export const signedInPage = async (browser: Browser, token: string): Promise<Page> => {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1400, height: 900 },
  });
  await context.addInitScript(`localStorage.setItem('meshward.token', ${JSON.stringify(token)})`);
  return context.newPage();
};

/** A count or timing the graph view writes on `#graph` (`nodes`, `edges`, `render-ms`, …). */
export const graphAttr = (page: Page, name: string): Promise<string | null> =>
  page.getAttribute('#graph', `data-${name}`);
