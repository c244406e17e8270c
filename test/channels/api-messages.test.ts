import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { botFrameworkKey } from '../../src/channels/recorder.js';
import { flakyStore } from '../support/flaky-store.js';

const CHANNEL = 'http://channel.test';
let app: App;
let base: string;

beforeAll(async () => {
  app = await buildTestApp({ ALLOWED_SERVICE_URLS: CHANNEL, BOT_ALLOW_UNAUTHENTICATED: 'true' });
  const { port } = await app.listen();
  base = `http://127.0.0.1:${port}`;
  // Only our own server may be called; any other outbound request fails the test.
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(async () => {
  nock.enableNetConnect();
  await app.close();
});

function activity(text: string, serviceUrl = CHANNEL, conversation = 'conv-http') {
  return {
    type: 'message',
    id: `act-${Math.random()}`,
    text,
    channelId: 'test',
    serviceUrl,
    from: { id: 'user-1', name: 'user' },
    recipient: { id: 'bot', name: 'bot' },
    conversation: { id: conversation },
  };
}

describe('POST /api/messages', () => {
  it('answers through the channel the activity came from', async () => {
    const replies: { text?: string }[] = [];
    const posted = new Promise<void>((resolve) => {
      nock(CHANNEL)
        .post(/\/v3\/conversations\/conv-http\/activities/)
        .reply(200, (_uri, body) => {
          replies.push(body as { text?: string });
          resolve();
          return { id: 'r1' };
        });
    });
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity('how do i apply for a protection order')),
    });
    expect(res.status).toBe(200);
    await posted;
    expect(replies[0]?.text).toMatch(/court/);
    // The message and the reply are both in the transcript.
    const log = await app.transcript.read(botFrameworkKey('test', 'conv-http'));
    expect(log.map((e) => e.from)).toEqual(['user', 'bot']);
  });

  it('refuses a serviceUrl that is not on the allow-list, and sends nothing anywhere', async () => {
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity('hello', 'http://evil.test', 'conv-evil')),
    });
    expect(res.status).toBe(403);
    expect(await app.transcript.read(botFrameworkKey('test', 'conv-evil'))).toEqual([]);
  });

  it('refuses a body that is not an activity', async () => {
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":1}' });
    expect(res.status).toBe(400);
  });
});

describe('health', () => {
  it('reports the process up and the service ready', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ store: true, model: true });
  });
});

describe('POST /api/messages when her message cannot be stored', () => {
  it('still sends the emergency text through the channel, and answers the channel with an error rather than 200', async () => {
    const flaky = await buildTestApp({ ALLOWED_SERVICE_URLS: CHANNEL, BOT_ALLOW_UNAUTHENTICATED: 'true' }, { store: flakyStore((entry) => entry.from === 'user') });
    try {
      const url = `http://127.0.0.1:${(await flaky.listen()).port}`;
      const replies: string[] = [];
      nock(CHANNEL)
        .post(/\/v3\/conversations\/conv-unstored\/activities/)
        .times(5)
        .reply(200, (_uri, body) => {
          replies.push((body as { text?: string }).text ?? '');
          return { id: 'r' };
        });
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity('救命 他拿着刀要杀我', CHANNEL, 'conv-unstored')),
      });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(replies.join('\n')).toMatch(/110/);
    } finally {
      await flaky.close();
    }
  });
});

