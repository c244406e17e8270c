import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { buildTestApp } from '../support/app.js';
import { BOT_ACCOUNT } from '../../src/channels/log-adapter.js';

describe('logging', () => {
  it('never writes message text, even when an object carrying it is logged', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger('debug', sink);
    log.info({ text: '他拿着刀', activity: { text: '我的地址' }, phone: '13800000000', name: '王芳' }, 'turn');
    expect(lines.join('')).not.toMatch(/他拿着刀|我的地址|13800000000|王芳/);
  });

  it('never writes the text a stored record held when it fails to parse', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger('debug', sink);
    try {
      JSON.parse('{"notes":"她住在幸福小区3号楼 13800000000"');
    } catch (err) {
      log.error({ err }, 'reading a record failed');
    }
    expect(lines.join('')).toMatch(/not valid JSON/);
    expect(lines.join('')).not.toMatch(/幸福小区|13800000000/);
  });

  it('logs a rise in risk with codes only during a real conversation', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    const app = await buildTestApp({}, { log: createLogger('debug', sink) });
    const text = '他现在拿着刀在门口 我在幸福路12号';
    await app.store.appendMessage('log-1', { id: 'm1', from: 'user', at: Date.now(), text });
    await app.logAdapter.processActivity(
      { type: 'message', id: 'm1', text, channelId: 'directline', conversation: { id: 'log-1' } as never, from: { id: 'u', role: 'user' } as never, recipient: { ...BOT_ACCOUNT } },
      (context) => app.bot.run(context),
    );
    await app.close();
    const output = lines.join('');
    expect(output).toMatch(/risk rose/);
    expect(output).toMatch(/weapon_now/);
    expect(output).not.toMatch(/幸福路|拿着刀/);
  });
});
