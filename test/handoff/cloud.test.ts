/**
 * A chat from a Bot Framework channel: her message, the bot's replies and a staff member's messages are each in the
 * transcript under their true author; staff messages reach her through CloudAdapter and the stored reference, once.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { botFrameworkKey } from '../../src/channels/recorder.js';
import { buildTestApp } from '../support/app.js';

const CHANNEL = 'http://channel.test';
let app: App;
let base: string;

beforeAll(async () => {
  app = await buildTestApp({ ALLOWED_SERVICE_URLS: CHANNEL, BOT_ALLOW_UNAUTHENTICATED: 'true' }, { staffAvailable: async () => true });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await app.close();
});

function activity(id: string, text: string) {
  return {
    type: 'message', id, text, channelId: 'test', serviceUrl: CHANNEL,
    from: { id: 'user-1' }, recipient: { id: 'bot' }, conversation: { id: 'cloud-1' },
  };
}

describe('a Bot Framework channel', () => {
  it('records who wrote each message, sends a staff message once, and never shows her a login name', async () => {
    const posted: { text?: string; type?: string; from?: { id?: string; name?: string } }[] = [];
    nock(CHANNEL)
      .persist()
      .post(/\/v3\/conversations\/cloud-1\/activities/)
      .reply(200, (_uri, body) => {
        posted.push(body as { text?: string });
        return { id: `x${posted.length}` };
      });
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity('a1', '转人工')) });
    expect(res.status).toBe(200);
    const key = botFrameworkKey('test', 'cloud-1');
    await app.handoff.claim(key, { name: 'li', displayName: '李老师', publicId: 'staff-abc' });
    await app.handoff.agentMessage(key, { name: 'li', displayName: '李老师', publicId: 'staff-abc' }, '我在这里', 'same-id');
    await app.handoff.agentMessage(key, { name: 'li', displayName: '李老师', publicId: 'staff-abc' }, '我在这里', 'same-id');
    expect(posted.filter((p) => p.text === '我在这里')).toHaveLength(1);
    // The channel needs the bot's id as the sender; the name says who wrote.
    expect(posted.find((p) => p.text === '我在这里')?.from).toMatchObject({ name: '李老师' });
    expect(posted.some((p) => p.text?.includes('李老师'))).toBe(true);
    expect(JSON.stringify(posted)).not.toMatch(/"li"|agent:li/);

    const log = await app.transcript.read(key);
    const authors = log.filter((e) => e.text).map((e) => [e.from, e.text]);
    expect(authors[0]).toEqual(['user', '转人工']);
    expect(authors.filter(([from]) => from === 'agent')).toEqual([['agent', '我在这里']]);
    // The bot's replies and status messages are the bot's; the staff message is not among them.
    expect(authors.filter(([from]) => from === 'bot').length).toBeGreaterThan(0);
    expect(authors.filter(([from, text]) => from === 'bot' && text === '我在这里')).toEqual([]);
  });

  it('is closed without a Bot Framework registration unless the development setting opens it', async () => {
    const closed = await buildTestApp({ ALLOWED_SERVICE_URLS: CHANNEL });
    try {
      const port = (await closed.listen()).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity('a2', '你好')) });
      expect(res.status).toBe(403);
      expect(await closed.transcript.read(botFrameworkKey('test', 'cloud-1'))).toEqual([]);
    } finally {
      await closed.close();
    }
  });
});
