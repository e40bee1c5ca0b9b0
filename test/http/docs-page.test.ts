import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/routes.ts';
import { serviceForThisFile } from '../support/http-service.ts';

/** Debian's Chromium (.ci/run installs it); CHROMIUM_PATH points elsewhere. Playwright gives it a fresh, empty profile. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const service = serviceForThisFile({ tenants: ['tenant-a'] });
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('the API reference page, in headless Chromium', () => {
  it('lists the thirteen operations, rendered offline from the served document', async () => {
    const page = await browser.newPage();
    // Offline, as on a machine with no network: anything not served by the service is refused.
    const external: { url: string; type: string }[] = [];
    await page.route('**/*', async (route) => {
      const request = route.request();
      if (request.url().startsWith(service.url)) return route.continue();
      external.push({ url: request.url(), type: request.resourceType() });
      return route.abort();
    });
    await page.goto(`${service.url}/docs`);
    for (const route of ROUTES) {
      await expect
        .poll(() => page.getByText(route.summary, { exact: true }).count(), { timeout: 20_000, message: route.summary })
        .toBeGreaterThan(0);
    }
    // Redoc's own attribution logo is the one thing it fetches from elsewhere; offline it is hidden.
    expect(
      external.filter((request) => request.type !== 'image'),
      JSON.stringify(external),
    ).toEqual([]);
    await page.close();
  }, 60_000);
});
