import { describe, expect, it } from 'vitest';
import { SIGNAL_LABELS, screenConversation, screenMessage } from '../../src/safety/screen.js';
import { LEXICON_FILES, loadLexicon } from '../../src/safety/lexicon.js';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const level = (t: string) => screenMessage(t).level;

describe('screening one message', () => {
  it('finds danger now in both languages and their variants', () => {
    for (const t of ['他拿着刀要杀我', '他拿著刀', '救 命', '救.命', '他🔪', 'he has a knife', "he's got a knfe", 'HE IS CHOKING ME', 'ｈｅｌｐ', '他有knife', '我躲在厕所里']) {
      expect(level(t), t).toBe('imminent');
    }
  });

  it('reports why, as stable codes with readable labels', () => {
    const { signals } = screenMessage('他现在拿着刀在门口');
    expect(signals[0]).toBe('weapon_now');
    for (const s of signals) expect(SIGNAL_LABELS[s], s).toBeDefined();
  });

  it('ranks lethality factors high and disclosed abuse elevated', () => {
    expect(level('他以前掐过我的脖子')).toBe('high');
    expect(level('he threatened to kill me if i leave')).toBe('high');
    expect(level('他控制我的工资卡')).toBe('elevated');
    expect(level('he hit me last week')).toBe('elevated');
  });

  it('keeps an attack in the past from counting as now', () => {
    expect(level('去年他掐着我的脖子')).toBe('high');
    expect(level('he choked me years ago')).toBe('high');
  });

  it('knows idioms, negation, fiction and plain questions are not danger', () => {
    for (const t of ['累死了', '笑死我了', '气死我了', '他从来没打过我', 'he never hit me', 'my boss will kill me', 'this traffic is killing me', '电影里男主拿刀杀人', '怎么申请保护令', 'how do i get a protection order']) {
      expect(level(t), t).toBe('none');
    }
  });

  it('caps a general question about the law at elevated', () => {
    expect(screenMessage('what happens if someone threatens to kill their wife?')).toEqual({ level: 'elevated', signals: ['threat_to_kill', 'general_question'] });
  });

  it('screens a friend in danger now like her own danger', () => {
    expect(level('邻居家正在打老婆，一直在惨叫')).toBe('imminent');
    expect(level('my sister is being attacked by her husband right now')).toBe('imminent');
  });

  it('raises several elevated signals, or one with an escalation word, to high', () => {
    expect(screenMessage('他越来越狠了，天天打我')).toMatchObject({ level: 'high', signals: expect.arrayContaining(['escalation']) });
  });
});

describe('screening a conversation', () => {
  it('takes the highest level of the recent turns', () => {
    expect(screenConversation([screenMessage('你好'), screenMessage('他拿着刀'), screenMessage('谢谢')]).level).toBe('imminent');
  });

  it('rises when distinct signals add up over turns', () => {
    const turns = [screenMessage('他总是骂我'), screenMessage('他把我的工资卡收走了'), screenMessage('他不让我回娘家')];
    expect(turns.map((t) => t.level)).toEqual(['elevated', 'elevated', 'elevated']);
    expect(screenConversation(turns)).toMatchObject({ level: 'high', signals: expect.arrayContaining(['escalation_over_turns']) });
  });

  it('lets an imminent moment that has passed count as high', () => {
    const turns = [screenMessage('救命'), ...['谢谢', '保护令怎么申请', '多久下来'].map(screenMessage)];
    expect(screenConversation(turns).level).toBe('high');
  });
});

describe('the lexicon files', () => {
  it('refuse a bad file with the file and field in the error', () => {
    const data = JSON.parse(readFileSync(LEXICON_FILES.zh, 'utf8')) as { rules: { level: string }[] };
    data.rules[2]!.level = 'severe';
    const file = join(mkdtempSync(join(tmpdir(), 'lex-')), 'lexicon.zh.json');
    writeFileSync(file, JSON.stringify(data));
    expect(() => loadLexicon(file)).toThrow(/lexicon\.zh\.json: rules\.2\.level/);
  });
});
