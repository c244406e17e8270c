import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { addUser } from '../../src/console/accounts.js';
import { buildTestApp } from '../support/app.js';
import { staffClient } from '../support/staff.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(): Promise<{ base: string; setupUrl?: string }> {
  app = await buildTestApp();
  const { port, setupUrl } = await app.listen();
  return { base: `http://127.0.0.1:${port}`, ...(setupUrl ? { setupUrl } : {}) };
}

const post = (base: string, body: unknown) => fetch(`${base}/console/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the first run on the memory store', () => {
  it('prints a one-time link through which the first admin creates her account, and then never again', async () => {
    const { base, setupUrl } = await start();
    expect(setupUrl).toMatch(/\/console#setup=[A-Za-z0-9_-]{32}$/);
    const token = setupUrl!.split('#setup=')[1]!;
    expect(await (await fetch(`${base}/console/api/setup`)).json()).toEqual({ needed: true, method: 'link' });

    expect((await post(base, { token: 'guessed', name: 'li', displayName: '李', password: 'a long enough password' })).status).toBe(403);
    const weak = await post(base, { token, name: 'li', displayName: '李', password: 'short' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { error: string }).error).toMatch(/at least 12/);

    const made = await post(base, { token, name: 'li', displayName: '李主任', password: 'a long enough password' });
    expect(made.status).toBe(201);
    expect(await made.json()).toEqual({ name: 'li', role: 'admin' });
    const { login } = staffClient(() => base);
    await login('li', 'a long enough password');

    expect((await post(base, { token, name: 'eve', displayName: 'Eve', password: 'another long password' })).status).toBe(403);
    expect(await (await fetch(`${base}/console/api/setup`)).json()).toEqual({ needed: false, method: 'link' });
    expect((await app!.store.listUsers()).map((u) => [u.name, u.role])).toEqual([['li', 'admin']]);
  });

  it('prints no link when an account exists', async () => {
    app = await buildTestApp();
    await addUser(app.store, { name: 'li', role: 'admin', password: 'a long enough password' });
    expect((await app.listen()).setupUrl).toBeUndefined();
  });
});
