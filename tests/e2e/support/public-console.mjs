// A console served from the internet, in headless Chromium: Chromium decides
// the address space from the IP, so the HTTPS page server's and the
// simulator's ports are overridden as public (the EXE port stays loopback),
// and the page origin's `loopback-network` permission (Local Network Access)
// is set over CDP (Browser.setPermission). Used by
// tests/e2e/local-network.test.mjs and tests/bench/local-network.mjs.

import { chromium } from 'playwright-core';

/**
 * Launches the browser. `https`: the page server (support/static.mjs with
 * `tls`); `simUrl`: the simulator; `permission`: `granted` | `denied`, or
 * null (not decided: headless Chromium answers no when asked). Resolves
 * `{browser, context, setPermission(setting)}`; the caller closes `browser`.
 */
export async function publicConsole({ https, simUrl, permission }) {
  const simPort = new URL(simUrl).port;
  const browser = await chromium.launch({
    executablePath: process.env.RTV_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--ignore-certificate-errors',
      `--ip-address-space-overrides=127.0.0.1:${https.port}=public,127.0.0.1:${simPort}=public`,
    ],
  });
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  // The context's id, as CDP names it, from a page of it.
  const probe = await context.newPage();
  const { targetInfo } = await (await context.newCDPSession(probe)).send('Target.getTargetInfo');
  await probe.close();
  const cdp = await browser.newBrowserCDPSession();
  const setPermission = (setting) =>
    cdp.send('Browser.setPermission', {
      permission: { name: 'loopback-network' },
      setting,
      origin: https.url.replace(/\/$/, ''),
      browserContextId: targetInfo.browserContextId,
    });
  if (permission) await setPermission(permission);
  return { browser, context, setPermission };
}
