/** `/metrics` for the people who run the service: behind a token, in Prometheus format, with no ids or text in labels. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { openChat, say } from '../support/user.js';

const TOKEN = 'a-metrics-token-for-the-test';
let app: App;
let base: string;

beforeAll(async () => {
  app = await buildTestApp({ METRICS_TOKEN: TOKEN });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
});
afterAll(async () => {
  await app.close();
});

describe('/metrics', () => {
  it('answers only with the token, and counts turns, screenings, requests and the queue without any id or text', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const chat = await openChat(base);
    await say(base, chat, '他现在拿着刀在门口 secret-marker-text');
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const body = await res.text();
    expect(body).toMatch(/hotline_turns_total\{action="emergency"\} 1/);
    expect(body).toMatch(/hotline_screenings_total\{level="imminent"\} 1/);
    expect(body).toMatch(/hotline_queue_length\{risk="imminent"\} 1/);
    expect(body).toMatch(/hotline_http_request_duration_seconds_count\{route="\/v3\/directline\/conversations\/:id\/activities",method="POST",status="200"\}/);
    expect(body).toMatch(/nodejs_eventloop_lag_seconds/);
    expect(body).not.toContain(chat.conversationId);
    expect(body).not.toContain('secret-marker-text');
  });

  it('is not there at all without a token configured', async () => {
    const other = await buildTestApp();
    try {
      const port = (await other.listen()).port;
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
