import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { DAY_MS } from '../../src/core/dates.js';
import { newConversation } from '../../src/core/record.js';
import { storeContract } from './contract.js';

storeContract('memory', async (retentionDays) => {
  let now = 1_000_000;
  const store = new MemoryStore({ retentionDays, clock: () => now });
  return {
    store,
    advance: async (ms) => {
      now += ms;
    },
    cleanup: () => store.close(),
  };
});

describe('memory store retention', () => {
  it('forgets a conversation log and record after RETENTION_DAYS without writes', async () => {
    let now = 0;
    const store = new MemoryStore({ retentionDays: 2, clock: () => now });
    await store.appendMessage('c', { id: 'm', from: 'user', at: 0, text: 'x' });
    await store.updateConversation('c', 0, { ...newConversation('c', 'directline', 0), state: 'queued' }, { op: 'put', score: 0, item: { conversationId: 'c', risk: 'high', signals: [], topic: 'shelter', waitingSince: 0 } });
    now = 2 * DAY_MS - 1;
    expect(await store.readMessages('c')).toHaveLength(1);
    now = 2 * DAY_MS + 1;
    expect(await store.readMessages('c')).toEqual([]);
    expect(await store.getConversation('c')).toBeUndefined();
    // Her place in the queue goes with her record.
    expect(await store.listQueue()).toEqual([]);
    await store.close();
  });
});
