import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';

function cli(args: string[], input = '', cwd = PROJECT_ROOT) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(cwd, 'src/cli.ts'), ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn', REDIS_URL: '' },
    timeout: 120_000,
  });
  const lines = run.stdout.trim() ? run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
  return { status: run.status, lines, stderr: run.stderr };
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
    const { status, lines } = cli(['classify'], input);
    expect(status).toBe(0);
    expect(lines).toHaveLength(5);
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
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'faq', 'check'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/28 answers/);
  });

  it('fails naming the file and the field at fault', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-faq-'));
    try {
      for (const d of ['src', 'faq', 'intents', 'node_modules', 'package.json']) {
        if (d === 'node_modules') spawnSync('ln', ['-s', join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules')]);
        else cpSync(join(PROJECT_ROOT, d), join(dir, d), { recursive: true });
      }
      const file = join(dir, 'faq', 'legal_aid.json');
      writeFileSync(file, JSON.stringify({ intent: 'legal_aid', lastReviewed: 'yesterday', reviewer: 'x', followUps: [], zh: { title: 'a', text: 'b', cites: [] }, en: { title: 'a', text: 'b', cites: [] } }));
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'faq', 'check'], { cwd: dir, encoding: 'utf8' });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/legal_aid\.json: lastReviewed: must be a date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
