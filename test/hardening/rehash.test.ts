/**
 * Finding 9: a staff password hashed with yesterday's scrypt cost (N=16384) still logs in, and the login upgrades the
 * stored hash to today's (N=131072), after which the same password (and only it) still works.
 */
import { randomBytes, scrypt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';

let app: App;
let base: string;

beforeAll(async () => {
  app = await buildTestApp({}, { sleep: async () => undefined });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
});
afterAll(async () => {
  await app?.close();
});

/** A hash in the stored format (`scrypt$N$r$p$salt$key`) at the given cost. */
function oldHash(password: string, N: number): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 64, { N, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(['scrypt', N, 8, 1, salt.toString('base64'), key.toString('base64')].join('$')),
    ),
  );
}

const login = (username: string, password: string) =>
  fetch(`${base}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

describe('an old scrypt hash', () => {
  it('logs in with N=16384 and is stored again at N=131072', async () => {
    const password = 'an old but long password';
    const hash = await oldHash(password, 16384);
    await app.store.putUser({ name: 'veteran', displayName: '老同事', role: 'agent', passwordHash: hash, createdAt: Date.now() - 86_400_000 * 400, publicId: 'staff-00112233aabbccdd' });

    // A wrong password neither logs in nor changes the hash.
    expect((await login('veteran', 'not the password at all')).status).toBe(401);
    expect((await app.store.getUser('veteran'))?.passwordHash).toBe(hash);

    const res = await login('veteran', password);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { name: string } }).user.name).toBe('veteran');

    const stored = (await app.store.getUser('veteran'))!;
    const [kind, n, r, p, salt, key] = stored.passwordHash.split('$');
    expect({ kind, n, r, p }).toEqual({ kind: 'scrypt', n: '131072', r: '8', p: '1' });
    expect(stored.passwordHash).not.toBe(hash);
    expect(salt).not.toBe(hash.split('$')[4]);
    expect(Buffer.from(key!, 'base64')).toHaveLength(64);
    // The rest of the account is as it was.
    expect(stored).toMatchObject({ name: 'veteran', displayName: '老同事', role: 'agent', publicId: 'staff-00112233aabbccdd' });

    // The new hash takes the same password, and only it.
    expect((await login('veteran', password)).status).toBe(200);
    expect((await login('veteran', 'an old but long passwore')).status).toBe(401);
    expect((await app.store.getUser('veteran'))?.passwordHash).toBe(stored.passwordHash);
  });
});
