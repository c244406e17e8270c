import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { FaqCatalog } from '../../src/faq/catalog.js';
import { parseEdit } from '../../src/faq/document.js';
import { loadFaq } from '../../src/faq/load.js';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { RedisStore } from '../../src/store/redis.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';

function cli(args: string[], input = '', cwd = PROJECT_ROOT, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(cwd, 'src/cli.ts'), ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn', REDIS_URL: '', ...env },
    timeout: 120_000,
  });
  const json = args[0] === 'classify' || args[0] === 'converse';
  const lines = json && run.stdout.trim() ? run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
  return { status: run.status, lines, stdout: run.stdout, stderr: run.stderr };
}

describe('cli classify', () => {
  it('writes one JSON line per input, an error line for a bad one, and goes on', () => {
    const input = [
      JSON.stringify({ id: 'a', text: '怎么申请人身安全保护令' }),
      'this is not json',
      JSON.stringify({ text: 'he has a knife and says he will kill me', locale: 'en' }),
      JSON.stringify({ id: 'b' }),
      JSON.stringify({ id: 'c', text: '今天天气怎么样' }),
    ].join('\n');
    const { status, lines, stderr } = cli(['classify'], input);
    expect(status).toBe(0);
    expect(lines).toHaveLength(5);
    // Quiet: restify's one deprecation warning (DEP0111 from spdy) is not printed.
    expect(stderr).not.toMatch(/DeprecationWarning/);
    expect(lines[0]).toMatchObject({ id: 'a', locale: 'zh', intent: 'protection_order.apply', risk: 'none', signals: [], action: 'answer' });
    expect(Object.keys(lines[0]!).sort()).toEqual(['action', 'id', 'intent', 'locale', 'risk', 'score', 'signals']);
    expect(lines[1]).toEqual({ error: expect.stringMatching(/line 2: not valid JSON/) });
    expect(lines[2]).toMatchObject({ id: 3, locale: 'en', risk: 'imminent', action: 'emergency' });
    expect(lines[2]!.signals).toContain('weapon_now');
    expect(lines[3]).toEqual({ error: expect.stringMatching(/line 4: text/) });
    expect(['out_of_scope']).toContain(lines[4]!.intent);
    expect(lines[4]!.action).toBe('clarify');
  });
});

describe('cli converse', () => {
  it('runs each line as a new conversation through the live bot code', () => {
    const input = [
      { id: 'faq-then-danger', turns: ['你好', '告诫书是什么', '他现在拿着刀在门外砸门'] },
      { id: 'faq', locale: 'en', turns: ['how do i apply for a protection order', 'how long does it take', 'can i get legal aid'] },
      { id: 'lost', turns: ['今天天气怎么样', 'asdfgh', '推荐一部电影'] },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const { status, lines } = cli(['converse'], `${input}\n{"turns": []}\n`);
    expect(status).toBe(0);
    expect(lines[0]).toEqual({ id: 'faq-then-danger', actions: ['answer', 'answer', 'emergency'] });
    expect(lines[1]).toEqual({ id: 'faq', actions: ['answer', 'answer', 'answer'] });
    expect(lines[2]).toEqual({ id: 'lost', actions: ['clarify', 'offer_human', 'offer_human'] });
    expect(lines[3]).toEqual({ error: expect.stringMatching(/line 4: turns/) });
  });
});

describe('cli faq check', () => {
  it('passes on the repository data', () => {
    const run = cli(['faq', 'check']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/35 answers/);
  });

  it('fails naming the file and the field at fault', () => {
    const dir = copyOfFaq();
    try {
      const file = join(dir, 'faq', 'legal_aid.json');
      writeFileSync(file, JSON.stringify({ intent: 'legal_aid', lastReviewed: 'yesterday', reviewer: 'x', followUps: [], zh: { title: 'a', text: 'b', cites: [] }, en: { title: 'a', text: 'b', cites: [] } }));
      const run = cli(['faq', 'check', dir]);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/legal_aid\.json: lastReviewed: must be a date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a training sentence that teaches two topics, naming the file, topic and line', () => {
    const dir = copyOfFaq();
    try {
      const file = join(dir, 'intents', 'zh.json');
      const data = JSON.parse(readFileSync(file, 'utf8')) as { utterances: Record<string, string[]> };
      data.utterances.shelter!.push(data.utterances.legal_aid![0]!);
      writeFileSync(file, JSON.stringify(data));
      const run = cli(['faq', 'check', dir]);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(new RegExp(`intents/zh\\.json: utterances\\.(shelter|legal_aid)\\.\\d+: .* already trains (shelter|legal_aid)`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function copyOfFaq(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-faq-'));
  for (const d of ['faq', 'intents']) cpSync(join(PROJECT_ROOT, d), join(dir, d), { recursive: true });
  return dir;
}

describe('cli faq export', () => {
  it('explains that it needs the store of REDIS_URL', () => {
    const run = cli(['faq', 'export', tmpdir()]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/REDIS_URL/);
  });

  describe.skipIf(!redisAvailable())('with Redis', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedis();
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('writes the seed back byte for byte, then the published edits, in a form that faq check accepts', async () => {
      const out = mkdtempSync(join(tmpdir(), 'hotline-export-'));
      const env = { REDIS_URL: server.url, TOKEN_SECRET: 'x'.repeat(32) };
      try {
        const first = cli(['faq', 'export', out], '', PROJECT_ROOT, env);
        expect(first.status).toBe(0);
        for (const f of ['faq/legal_aid.json', 'faq/shelter.json', 'intents/zh.json', 'intents/en.json']) {
          expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(PROJECT_ROOT, f), 'utf8'));
        }

        const store = new RedisStore({ url: server.url, retentionDays: 1 });
        const catalog = new FaqCatalog({ history: store, seed: { faq: loadFaq(join(PROJECT_ROOT, 'faq')), corpus: loadCorpus(join(PROJECT_ROOT, 'intents')) }, clock: Date.now });
        const head = await catalog.get('legal_aid');
        const { entry, utterances } = head.doc;
        await catalog.save('legal_aid', 0, parseEdit({ followUps: entry.followUps, zh: { ...entry.zh, text: '新的答案文本' }, en: entry.en, utterances: { zh: [...utterances.zh, '律师费谁来出'], en: utterances.en } }), 'boss');
        await store.close();

        const second = cli(['faq', 'export', out], '', PROJECT_ROOT, env);
        expect(second.status).toBe(0);
        expect(second.stdout).toMatch(/legal_aid v1/);
        expect((JSON.parse(readFileSync(join(out, 'faq/legal_aid.json'), 'utf8')) as { zh: { text: string } }).zh.text).toBe('新的答案文本');
        expect((JSON.parse(readFileSync(join(out, 'intents/zh.json'), 'utf8')) as { utterances: { legal_aid: string[] } }).utterances.legal_aid).toContain('律师费谁来出');
        expect(cli(['faq', 'check', out]).status).toBe(0);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
});
