// Headless Debian Chromium through playwright-core for the report tests. Never downloads a
// browser: /usr/bin/chromium comes from scripts/install-deps.sh. Missing under CI=true = failure.
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} not found; install it with: bash scripts/install-deps.sh (Debian package "chromium")`;
}

/** Skip the browser tests outside CI when Chromium is absent; under CI=true they must run. */
export const shouldSkipBrowser = chromiumMissing() !== null && process.env.CI !== 'true';
if (shouldSkipBrowser) process.stderr.write(`test/report: skipping the headless-browser tests: ${chromiumMissing()}\n`);

export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(`CI=true requires Chromium for the report tests: ${missing}`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
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
}

export interface PageLog {
  /** Console errors, uncaught exceptions and failed requests, as text. */
  errors: string[];
  /** Every URL the page requested (the page itself included). */
  requests: string[];
}

/** A fresh page (own context, so no shared profile state) that records errors and requests. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; log: PageLog; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const log: PageLog = { errors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => log.errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => log.errors.push(`requestfailed: ${r.url().slice(0, 120)} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => log.requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  // report.html draws its slide table just after the first paint: wait until it is there.
  if (await page.locator('#slide-data').count()) await page.locator('#slides.ready').waitFor({ state: 'attached' });
  return { page, log, close: () => context.close() };
}
