/** A separate process that fires many concurrent claims at one queued chat on Redis; prints its wins. */
import { Conversations } from '../../src/handoff/conversations.js';
import { RedisStore } from '../../src/store/redis.js';

const [url, prefix, conversationId, count, who] = process.argv.slice(2) as [string, string, string, string, string];
const store = new RedisStore({ url, retentionDays: 1, keyPrefix: prefix });
const conversations = new Conversations(store);
const results = await Promise.allSettled(
  Array.from({ length: Number(count) }, (_, i) => conversations.move(conversationId, { type: 'claim', agent: `${who}-${i}` })),
);
process.stdout.write(`${JSON.stringify({ wins: results.filter((r) => r.status === 'fulfilled').length })}\n`);
await store.close();
