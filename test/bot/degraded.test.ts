/** The emergency reply depends on nothing that can fail: with the store or the model down she still gets it. */
import { describe, expect, it } from 'vitest';
import { Dialogue, type DialogueDeps } from '../../src/bot/dialogue.js';
import { loadFaq } from '../../src/faq/load.js';
import { loadReplies } from '../../src/faq/replies.js';
import { createLogger } from '../../src/log.js';
import { serviceScreener } from '../support/screener.js';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/app.js';

const faq = loadFaq(resolve(PROJECT_ROOT, 'faq'));
const words = loadReplies(resolve(PROJECT_ROOT, 'replies', 'bot.json'));
const down = async (): Promise<never> => {
  throw new Error('connection refused');
};

function dialogue(overrides: Partial<DialogueDeps>): Dialogue {
  return new Dialogue({
    screenMessage: (t, o) => serviceScreener().screenMessage(t, o),
    screenConversation: (turns) => serviceScreener().screenConversation(turns),
    classify: down,
    faq: () => faq,
    words,
    staffedHours: () => 'mon-fri 08:30-17:30',
    minScore: 0.6,
    staffAvailable: async () => false,
    conversations: { load: async () => ({ state: 'bot', memory: undefined }), save: async () => ({ state: 'bot' }), welcome: async () => true, relocalize: async () => ({ state: 'bot' as const }) },
    log: createLogger('silent'),
    ...overrides,
  });
}

describe('when parts of the service fail', () => {
  it('still gives the emergency text with the store down', async () => {
    const d = dialogue({ conversations: { load: down, save: down, welcome: down, relocalize: down } });
    const r = await d.handle('c', '救命 他拿着刀');
    expect(r.action).toBe('emergency');
    expect(r.replies[0]!.text).toMatch(/110/);
  });

  it('still gives the emergency text with the model down, and an honest message otherwise', async () => {
    const d = dialogue({});
    expect((await d.handle('c', 'he is choking me')).replies[0]!.text).toMatch(/110/);
    const calm = await d.handle('c2', '怎么申请保护令');
    expect(calm.replies).toHaveLength(1);
    expect(calm.replies[0]!.text).toMatch(/出了问题/);
    expect(calm.replies[0]!.text).toMatch(/110/);
  });

  it('keeps the emergency text when saving the turn fails', async () => {
    const d = dialogue({ conversations: { load: async () => ({ state: 'bot', memory: undefined }), save: down, welcome: down, relocalize: down } });
    const r = await d.handle('c', '他在门外砸门');
    expect(r.replies[0]!.kind).toBe('emergency');
  });

  it('treats a screener that throws as a chat a person must see', async () => {
    const d = dialogue({
      screenMessage: () => {
        throw new Error('bug');
      },
      classify: async () => ({ locale: 'zh', intent: 'legal_aid', score: 0.9 }),
    });
    expect((await d.handle('c', '法律援助')).action).toBe('handoff');
  });
});
