/** With Redis, an answer published on one instance reaches every instance, and a restart keeps it. */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { parseEdit } from '../../src/faq/document.js';
import { buildTestApp } from '../support/app.js';
import { smallIntentsDir } from '../support/intents.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';

/** Training in the worker takes 10 to 40 s on this machine, more while other test files train in parallel. */
const TRAINING_MS = 240_000;

const available = redisAvailable();
const SECRET = 'a-shared-secret-for-every-instance-0123456789';

describe.skipIf(!available)('FAQ publications across instances', () => {
  let server: RedisServer;
  const apps: App[] = [];
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await server?.stop();
  });

  it('swaps the new answer and training sentences in on the other instance, and a new instance starts with them', async () => {
    const env = { REDIS_URL: server.url, TOKEN_SECRET: SECRET };
    const a = await buildTestApp(env, { intentsDir: smallIntentsDir() });
    const b = await buildTestApp(env, { intentsDir: smallIntentsDir() });
    apps.push(a, b);

    const head = await a.catalog.get('legal_aid');
    const { entry, utterances } = head.doc;
    const text = '新的法律援助中心地址：市民中心三楼。';
    const phrase = '找谁帮我出律师费';
    const edit = parseEdit({ followUps: entry.followUps, zh: { ...entry.zh, text }, en: entry.en, utterances: { zh: [...utterances.zh, phrase, '律师费有人帮出吗'], en: utterances.en } });
    const heardByB = once(b.catalog, 'change');
    await a.catalog.save('legal_aid', head.version, edit, 'boss');
    await heardByB;
    expect(b.faq().legal_aid.zh.text).toBe(text);
    await b.model.idle();
    expect((await b.model.classify(phrase, 'zh')).intent).toBe('legal_aid');

    const c = await buildTestApp(env, { intentsDir: smallIntentsDir() });
    apps.push(c);
    expect(c.faq().legal_aid.zh.text).toBe(text);
    expect(c.catalog.current().versions.legal_aid).toBe(head.version + 1);
    expect((await c.model.classify(phrase, 'zh')).intent).toBe('legal_aid');
  }, TRAINING_MS);
});
