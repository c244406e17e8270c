/** Screening one message and a conversation, as the service does it (rules and model), and the data files' checks. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILES, loadConcepts, loadRules, SIGNAL_LABELS, TAXONOMY } from '../../src/safety/lexicon.js';
import { screenConversation, screenRules } from '../../src/safety/screen.js';
import { Screener } from '../../src/safety/screener.js';
import { serviceScreener } from '../support/screener.js';

const screener = serviceScreener();
const level = (t: string) => screener.screenMessage(t).level;

describe('screening one message', () => {
  it('finds danger now in both languages and their variants', () => {
    for (const t of ['救命 他拿着刀要杀我', '他拿著刀追我', '救 命', '他🔪', 'he has a knife to my throat right now', 'HE IS CHOKING ME', 'help me hes breaking the door', '我躲在厕所里 他在外面砸门', '他把我锁在屋里 手机快没电了']) {
      expect(level(t), t).toBe('imminent');
    }
  });

  it('reports why, as stable codes with readable labels', () => {
    const { signals } = screener.screenMessage('他现在拿着刀在门口');
    expect(signals.length).toBeGreaterThan(0);
    for (const s of signals) expect(SIGNAL_LABELS[s], s).toBeDefined();
  });

  it('ranks lethality factors high and disclosed abuse elevated', () => {
    expect(level('他以前掐过我的脖子')).toBe('high');
    expect(level('he threatened to kill me if i leave')).toBe('high');
    expect(level('他控制我的工资卡，一分钱都不给我')).toBe('elevated');
    expect(level('he calls me stupid and takes my salary')).toBe('elevated');
    expect(level('他以前推过我')).toBe('elevated');
  });

  it('keeps an attack in the past from counting as now', () => {
    expect(level('去年他掐着我的脖子直到我晕过去')).toBe('high');
    expect(level('he choked me until i passed out, years ago')).toBe('high');
  });

  it('knows idioms, negation, games and plain questions are not danger', () => {
    for (const t of ['累死了', '笑死我了', '他从来没打过我', 'he has never hit me', 'my boss will kill me if this report is late', '狼人杀我第一晚就被刀了', '怎么申请保护令', 'how do i get a protection order']) {
      expect(level(t), t).toBe('none');
    }
  });

  it('screens someone else in danger now like her own danger, and says it is about someone else', () => {
    const neighbour = screener.screenMessage('邻居家老公正在打老婆，一直在惨叫');
    expect(neighbour.level).toBe('imminent');
    expect(screener.screenMessage('my sister is being beaten by her husband right now').level).toBe('imminent');
  });
});

describe('the rules alone (when the model cannot load)', () => {
  it('still give imminent for danger now, and never throw', () => {
    const rulesOnly = new Screener();
    for (const t of ['救命', '他拿着刀要杀我', 'he is choking me']) expect(rulesOnly.screenMessage(t).level, t).toBe('imminent');
    expect(screenRules('\ud800'.repeat(10)).level).toBe('none');
  });
});

describe('screening a conversation', () => {
  it('takes the highest level of the recent turns', () => {
    expect(screenConversation([screener.screenMessage('你好'), screener.screenMessage('他拿着刀要杀我'), screener.screenMessage('谢谢')]).level).toBe('imminent');
  });

  it('reads "I am in the bathroom" as hiding once the chat was in danger, even with the rules alone', () => {
    expect(new Screener().screenMessage('我在厕所里').level).toBe('none');
    expect(new Screener().screenMessage('我在厕所里', { inDanger: true }).level).toBe('imminent');
    expect(screener.screenMessage('我在厕所里', { inDanger: true }).level).toBe('imminent');
  });

  it('lets an imminent moment that has passed count as high', () => {
    const turns = [screener.screenMessage('救命'), ...['谢谢', '保护令怎么申请', '多久下来'].map((t) => screener.screenMessage(t))];
    expect(screenConversation(turns).level).toBe('high');
  });
});

describe('the screening data files', () => {
  it('name every code in the taxonomy, with words for staff in both languages', () => {
    for (const [code, t] of Object.entries(TAXONOMY)) expect([code, t.zh.length > 0, t.en.length > 0]).toEqual([code, true, true]);
  });

  it('refuse a bad file with the file and field in the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lex-'));
    const rules = JSON.parse(readFileSync(FILES.rules, 'utf8')) as { rules: { codes: { default: string } }[] };
    rules.rules[2]!.codes.default = 'no_such_signal';
    writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
    expect(() => loadRules(join(dir, 'rules.json'), TAXONOMY)).toThrow(/rules\.json: rules\.2\.codes\.default: no_such_signal is not in the taxonomy/);
    const concepts = JSON.parse(readFileSync(FILES.zh, 'utf8')) as { window: unknown };
    concepts.window = 'wide';
    writeFileSync(join(dir, 'concepts.zh.json'), JSON.stringify(concepts));
    expect(() => loadConcepts(join(dir, 'concepts.zh.json'), new Set())).toThrow(/concepts\.zh\.json: window: /);
  });
});
