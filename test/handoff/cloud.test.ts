/** A chat from a Bot Framework channel: staff messages reach her through CloudAdapter and the stored reference, once. */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';

const CHANNEL = 'http://channel.test';
let app: App;
let base: string;

beforeAll(async () => {
  app = await buildTestApp({ ALLOWED_SERVICE_URLS: CHANNEL }, { staffAvailable: async () => true });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await app.close();
});

describe('proactive delivery on a Bot Framework channel', () => {
  it('sends the agent message to the channel once, even when delivered twice', async () => {
    const posted: { text?: string; type?: string }[] = [];
    nock(CHANNEL)
      .persist()
      .post(/\/v3\/conversations\/cloud-1\/activities/)
      .reply(200, (_uri, body) => {
        posted.push(body as { text?: string });
        return { id: `x${posted.length}` };
      });
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message', id: 'a1', text: '转人工', channelId: 'test', serviceUrl: CHANNEL,
        from: { id: 'user-1' }, recipient: { id: 'bot' }, conversation: { id: 'cloud-1' },
      }),
    });
    expect(res.status).toBe(200);
    await app.handoff.claim('cloud-1', { name: 'li', displayName: '李老师' });
    const record = (await app.conversations.get('cloud-1'))!;
    const message = { id: 'same-id', text: '我在这里', from: { id: 'agent:li', name: '李老师' }, kind: 'agent' };
    await app.deliver(record, message);
    await app.deliver(record, message);
    expect(posted.filter((p) => p.text === '我在这里')).toHaveLength(1);
    expect(posted.some((p) => p.text?.includes('李老师'))).toBe(true);
  });
});
