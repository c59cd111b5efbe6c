import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); CI installs it the same way. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots go (gitignored). */
export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'e2e');

/** Launch flags: headless, no sandbox (containers), and nothing that calls Google's services. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Whether browser tests can run. Without Chromium they are skipped with a message saying how to
 * install it, except under CI, where a missing browser is a failure.
 */
export function browserAvailability(): { available: true } | { available: false; message: string } {
  if (existsSync(CHROMIUM)) return { available: true };
  return { available: false, message: `${CHROMIUM} is absent: install it with \`apt-get update && apt-get install -y chromium\`` };
}

/** Launches Chromium with the project's flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Everything a page reported as an error: console errors (CSP violations included) and uncaught exceptions. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** Saves a full-page screenshot under test-artifacts/e2e. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
