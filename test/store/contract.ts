/** One contract for every Store implementation: memory and Redis both run it. */
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { newConversation } from '../../src/core/record.js';
import type { ConversationRecord, QueueItem, Store } from '../../src/store/store.js';
import { LogFullError } from '../../src/store/store.js';

export interface StoreFixture {
  store: Store;
  /** Moves the store's clock forward (memory) or waits (Redis). */
  advance(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

function record(id: string, version: number, state: ConversationRecord['state'] = 'bot'): ConversationRecord {
  return { ...newConversation(id, 'directline', 1), version, state };
}

function item(id: string, risk: QueueItem['risk'] = 'high'): QueueItem {
  return { conversationId: id, risk, signals: ['weapon'], topic: 'shelter', waitingSince: 1000 };
}

export function storeContract(name: string, make: (retentionDays: number) => Promise<StoreFixture>): void {
  describe(`${name} store contract`, () => {
    let f: StoreFixture;
    beforeEach(async () => {
      f = await make(1);
    });
    afterEach(async () => {
      await f.cleanup();
    });

    it('appends messages with sequence numbers and reads from a number on', async () => {
      const { store } = f;
      expect(await store.appendMessage('c1', { id: 'm1', from: 'user', at: 1, text: '你好' })).toEqual({ seq: 1, duplicate: false });
      expect(await store.appendMessage('c1', { id: 'm2', from: 'bot', at: 2, text: 'hi', activity: { type: 'message' } })).toEqual({ seq: 2, duplicate: false });
      expect(await store.appendMessage('c2', { id: 'm1', from: 'user', at: 3 })).toEqual({ seq: 1, duplicate: false });
      const all = await store.readMessages('c1');
      expect(all.map((e) => [e.seq, e.id, e.text])).toEqual([[1, 'm1', '你好'], [2, 'm2', 'hi']]);
      expect(all[1]!.activity).toEqual({ type: 'message' });
      expect((await store.readMessages('c1', 1)).map((e) => e.seq)).toEqual([2]);
      expect(await store.readMessages('c1', 2)).toEqual([]);
      expect(await store.readMessages('nobody')).toEqual([]);
    });

    it('does not append a retried message twice', async () => {
      const { store } = f;
      await store.appendMessage('c1', { id: 'm1', from: 'user', at: 1, text: 'a' });
      expect(await store.appendMessage('c1', { id: 'm1', from: 'user', at: 1, text: 'a' })).toEqual({ seq: 1, duplicate: true });
      expect(await store.readMessages('c1')).toHaveLength(1);
    });

    it('refuses her message when the conversation is full, but still answers a retry of one it holds', async () => {
      const { store } = f;
      for (let i = 1; i <= 3; i++) await store.appendMessage('c', { id: `m${i}`, from: 'user', at: i }, { maxEntries: 3 });
      await expect(store.appendMessage('c', { id: 'm4', from: 'user', at: 4 }, { maxEntries: 3 })).rejects.toBeInstanceOf(LogFullError);
      expect(await store.appendMessage('c', { id: 'm3', from: 'user', at: 3 }, { maxEntries: 3 })).toEqual({ seq: 3, duplicate: true });
      expect(await store.appendMessage('c', { id: 'b1', from: 'bot', at: 5 }, { maxEntries: 10 })).toEqual({ seq: 4, duplicate: false });
      expect(await store.readMessages('c')).toHaveLength(4);
    });

    it('keeps any text as it was written, a lone surrogate included', async () => {
      const { store } = f;
      const text = 'he has a knife \ud800 "quoted" \\ {"json": [1]} 刀';
      await store.appendMessage('c', { id: 'm1', from: 'user', at: 1, text, activity: { text, nested: { deep: [text] } } });
      const [entry] = await store.readMessages('c');
      expect(entry!.text).toBe(text);
      expect(entry!.activity).toEqual({ text, nested: { deep: [text] } });
    });

    it('numbers console events, reads them after an id, and hands new ones to followers', async () => {
      const { store } = f;
      const first = await store.appendEvent({ type: 'a', n: 1 });
      let seen: (event: unknown) => void = () => undefined;
      const followed = new Promise<unknown>((resolve) => (seen = resolve));
      // Following starts from the moment followEvents resolves: everything appended after it arrives.
      const unfollow = await store.followEvents((e) => seen(e.event));
      const second = await store.appendEvent({ type: 'b', n: 2 });
      expect(await followed).toEqual({ type: 'b', n: 2 });
      await unfollow();
      expect((await store.readEvents(first, 10)).map((e) => e.id)).toEqual([second]);
      expect((await store.readEvents(undefined, 10)).map((e) => e.event)).toEqual([{ type: 'a', n: 1 }, { type: 'b', n: 2 }]);
      expect(await store.readEvents('not an id', 10)).toEqual([]);
    });

    it('lists conversations of a period newest first, in pages', async () => {
      const { store } = f;
      for (let i = 1; i <= 5; i++) await store.updateConversation(`h${i}`, 0, { ...record(`h${i}`, 0), updatedAt: 1000 * i });
      const page = await store.listConversations({ from: 2000, to: 5000, offset: 0, limit: 2 });
      expect(page.map((r) => r.id)).toEqual(['h4', 'h3']);
      expect((await store.listConversations({ from: 2000, to: 5000, offset: 2, limit: 2 })).map((r) => r.id)).toEqual(['h2']);
    });

    it('limits a read', async () => {
      for (let i = 1; i <= 5; i++) await f.store.appendMessage('c', { id: `m${i}`, from: 'user', at: i });
      expect((await f.store.readMessages('c', 1, 2)).map((e) => e.seq)).toEqual([2, 3]);
    });

    it('updates a conversation only from the version it was read at', async () => {
      const { store } = f;
      expect(await store.getConversation('c1')).toBeUndefined();
      expect(await store.updateConversation('c1', 0, record('c1', 0))).toBe('ok');
      expect((await store.getConversation('c1'))!.version).toBe(1);
      expect(await store.updateConversation('c1', 0, record('c1', 0))).toBe('conflict');
      expect(await store.updateConversation('c1', 1, { ...record('c1', 1), state: 'queued' })).toBe('ok');
      expect(await store.getConversation('c1')).toMatchObject({ version: 2, state: 'queued' });
    });

    it('lets exactly one of many concurrent updates win', async () => {
      await f.store.updateConversation('c1', 0, record('c1', 0, 'queued'));
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => f.store.updateConversation('c1', 1, { ...record('c1', 1, 'agent'), assignee: `a${i}` }, { op: 'remove' })),
      );
      expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    });

    it('changes the queue together with the record, in score order', async () => {
      const { store } = f;
      await store.updateConversation('a', 0, record('a', 0, 'queued'), { op: 'put', score: 50, item: item('a', 'elevated') });
      await store.updateConversation('b', 0, record('b', 0, 'queued'), { op: 'put', score: 10, item: item('b', 'imminent') });
      await store.updateConversation('c', 0, record('c', 0, 'queued'), { op: 'put', score: 30, item: item('c') });
      expect((await store.listQueue()).map((q) => q.item.conversationId)).toEqual(['b', 'c', 'a']);
      // A conflicting update changes neither the record nor the queue.
      expect(await store.updateConversation('c', 0, record('c', 0), { op: 'remove' })).toBe('conflict');
      expect(await store.listQueue()).toHaveLength(3);
      // Re-prioritise: the same id gets a new score.
      await store.updateConversation('a', 1, record('a', 1, 'queued'), { op: 'put', score: 1, item: item('a', 'imminent') });
      expect((await store.listQueue()).map((q) => [q.item.conversationId, q.item.risk])).toEqual([['a', 'imminent'], ['b', 'imminent'], ['c', 'high']]);
      await store.updateConversation('b', 1, record('b', 1, 'agent'), { op: 'remove' });
      expect((await store.listQueue()).map((q) => q.item.conversationId)).toEqual(['a', 'c']);
    });

    it('lists the conversations a person holds, and forgets one when it leaves her', async () => {
      const { store } = f;
      await store.updateConversation('x', 0, record('x', 0, 'agent'));
      await store.updateConversation('y', 0, record('y', 0, 'agent'));
      await store.updateConversation('z', 0, record('z', 0, 'queued'));
      expect((await store.listHeld()).map((r) => r.id).sort()).toEqual(['x', 'y']);
      await store.updateConversation('x', 1, record('x', 1, 'bot'));
      expect((await store.listHeld()).map((r) => r.id)).toEqual(['y']);
    });

    it('delivers published events to subscribers, and stops after unsubscribe', async () => {
      const { store } = f;
      const got: unknown[] = [];
      const delivered = new Promise<void>((resolve) => {
        void store.subscribe('queue', (e) => {
          got.push(e);
          if (got.length === 2) resolve();
        }).then(async (unsubscribe) => {
          await store.publish('queue', { n: 1 });
          await store.publish('other', { n: 99 });
          await store.publish('queue', { n: 2 });
          await delivered;
          await unsubscribe();
        });
      });
      await delivered;
      expect(got).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('keeps sessions until deleted or expired', async () => {
      const { store } = f;
      await store.putSession('s1', { user: 'li' }, 1);
      expect(await store.getSession('s1')).toEqual({ user: 'li' });
      await store.deleteSession('s1');
      expect(await store.getSession('s1')).toBeUndefined();
      await store.putSession('s2', { user: 'wang' }, 1);
      await f.advance(1100);
      expect(await store.getSession('s2')).toBeUndefined();
    });

    it('counts within a window and marks a key only once', async () => {
      const { store } = f;
      expect(await store.incrementCounter('ip', 1)).toBe(1);
      expect(await store.incrementCounter('ip', 1)).toBe(2);
      expect(await store.markOnce('d1', 60)).toBe(true);
      expect(await store.markOnce('d1', 60)).toBe(false);
      await f.advance(1100);
      expect(await store.incrementCounter('ip', 1)).toBe(1);
    });

    it('stores users, audit entries newest first, and FAQ versions with conflicts', async () => {
      const { store } = f;
      await store.putUser({ name: 'li', displayName: '李', role: 'agent', passwordHash: 'x', createdAt: 1, publicId: 'staff-1' });
      expect((await store.getUser('li'))?.displayName).toBe('李');
      expect((await store.listUsers()).map((u) => u.name)).toEqual(['li']);
      await store.appendAudit({ at: 1, actor: 'li', action: 'open', conversationId: 'c1' });
      await store.appendAudit({ at: 2, actor: 'wang', action: 'open', conversationId: 'c2' });
      expect((await store.listAudit()).map((a) => a.actor)).toEqual(['wang', 'li']);
      expect((await store.listAudit({ since: 2 })).map((a) => a.actor)).toEqual(['wang']);
      expect(await store.appendFaqVersion('legal_aid', 0, { doc: { v: 1 }, at: 1, author: 'admin' })).toBe('ok');
      expect(await store.appendFaqVersion('legal_aid', 0, { doc: { v: 'lost' }, at: 2, author: 'other' })).toBe('conflict');
      expect(await store.appendFaqVersion('legal_aid', 1, { doc: { v: 2 }, at: 3, author: 'admin' })).toBe('ok');
      expect(await store.getFaqHead('legal_aid')).toMatchObject({ version: 2, doc: { v: 2 } });
      expect((await store.listFaqVersions('legal_aid')).map((v) => v.version)).toEqual([1, 2]);
    });

    it('keeps report events by time, counting equal ones twice, and lists a half-open period', async () => {
      const { store } = f;
      const t = Date.now();
      await store.appendStats([
        { at: t, conversationId: 'c1', kind: 'started' },
        { at: t + 10, conversationId: 'c1', kind: 'topic', topic: 'legal_aid' },
        { at: t + 10, conversationId: 'c1', kind: 'topic', topic: 'legal_aid' },
      ]);
      await store.appendStats([{ at: t + 20, conversationId: 'c1', kind: 'claimed', waitMs: 5000 }]);
      expect((await store.listStats(t, t + 20)).map((e) => e.kind)).toEqual(['started', 'topic', 'topic']);
      expect(await store.listStats(t + 20, t + 21)).toEqual([{ at: t + 20, conversationId: 'c1', kind: 'claimed', waitMs: 5000 }]);
      expect(await store.listStats(t - 100, t)).toEqual([]);
    });

    it('answers a ping', async () => {
      await expect(f.store.ping()).resolves.toBeUndefined();
    });
  });
}
