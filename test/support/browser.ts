/** Debian's chromium through playwright-core. Locally a missing browser skips with a notice; under CI=true it fails. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { App, BuildOptions } from '../../src/app.js';
import { buildTestApp } from './app.js';
import { addStaff, passwordOf, type StaffName } from './staff.js';

export const CHROMIUM = '/usr/bin/chromium';

export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is not installed (required under CI=true)`);
  process.stdout.write('notice: chromium not installed; skipping the browser tests\n');
  return false;
}

/** The machine has no network: no background connections, no updates. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A staff member logged in to the console in a fresh browser context (1280x800 unless `context` says otherwise);
 * page errors and dialogs are collected; `prepare` sees the page before it loads (to slow a route, say).
 */
export async function logInToConsole(
  browser: Browser,
  base: string,
  name: string,
  password = passwordOf(name),
  context: BrowserContextOptions = {},
  prepare?: (page: Page) => Promise<void>,
): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, ...context })).newPage();
  await prepare?.(page);
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/console`);
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', password);
  await page.click('#login-form button');
  await page.locator('#work').waitFor();
  return { page, dialogs, errors };
}

/** What a browser test of the console works with; filled in by the hooks that `consoleInBrowser` registers. */
export interface ConsoleWorld {
  app: App;
  browser: Browser;
  base: string;
  logIn(name: string, password?: string, context?: BrowserContextOptions, prepare?: (page: Page) => Promise<void>): ReturnType<typeof logInToConsole>;
}

/** Registers the hooks of a browser test of the console: the app listening with these colleagues, and a browser. */
export function consoleInBrowser(staff: StaffName[], options: BuildOptions = {}, env: Record<string, string> = {}): ConsoleWorld {
  const world = {} as ConsoleWorld;
  beforeAll(async () => {
    world.app = await buildTestApp(env, options);
    world.base = `http://127.0.0.1:${(await world.app.listen()).port}`;
    await addStaff(world.app.store, ...staff);
    world.browser = await launch();
    world.logIn = (name, password, context, prepare) => logInToConsole(world.browser, world.base, name, password, context, prepare);
  });
  afterAll(async () => {
    await world.browser?.close();
    await world.app?.close();
  });
  return world;
}
