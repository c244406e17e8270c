/**
 * A whole turn over Direct Line (record, screen, classify, reply) under load, against a bare restify route that
 * reads the same JSON body and runs NLP.js's own `process` on the same text, with a network trained on the same corpus: the floor of the
 * work. Both measured with autocannon in this process, at several concurrencies; the figures are at the
 * concurrency where each peaks. Targets: at least 60% of the bare route's throughput; p99 under 20 ms there.
 */
import autocannon from 'autocannon';
import restify from 'restify';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { resolve } from 'node:path';
import { IntentClassifier } from '../src/nlu/classifier.js';
import { loadCorpus } from '../src/nlu/corpus.js';
import { PROJECT_ROOT } from '../src/paths.js';

const TEXTS = ['怎么申请人身安全保护令', '他打我，我想离婚，孩子怎么办', 'how do i get legal aid', '告诫书有什么用', 'can the police give him a warning letter', '我想找个地方住几天'];
const CONVERSATIONS = 500;
const SECONDS = 8;

interface Peak {
  rps: number;
  p99: number;
  connections: number;
  errors: number;
}

async function run(url: string, connections: number, requests: autocannon.Request[]): Promise<Peak> {
  const result = await autocannon({ url, connections, duration: SECONDS, requests, pipelining: 1 });
  return { rps: result.requests.average, p99: result.latency.p99, connections, errors: result.errors + result.non2xx };
}

async function peak(url: string, requests: () => autocannon.Request[]): Promise<Peak> {
  let best: Peak | undefined;
  for (const connections of [1, 4, 16]) {
    const r = await run(url, connections, requests());
    if (!best || r.rps > best.rps) best = r;
  }
  return best!;
}

export async function benchTurns(): Promise<void> {
  const app = await buildApp(
    parseConfig({ LOG_LEVEL: 'silent', PORT: '0', MESSAGES_PER_MINUTE: '100000', CLIENT_MESSAGES_PER_MINUTE: '1000000', NEW_CHATS_PER_MINUTE: '100000' }),
    { log: createLogger('silent'), trainInline: true },
  );
  await app.modelReady;
  const base = `http://127.0.0.1:${(await app.listen()).port}`;
  const chats: { conversationId: string; token: string }[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) chats.push((await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST' })).json()) as { conversationId: string; token: string });
  let n = 0;
  const turnRequests = (): autocannon.Request[] => [
    {
      method: 'POST',
      setupRequest: (req) => {
        const chat = chats[n % chats.length]!;
        const text = TEXTS[n++ % TEXTS.length]!;
        return {
          ...req,
          path: `/v3/directline/conversations/${chat.conversationId}/activities`,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${chat.token}` },
          body: JSON.stringify({ type: 'message', text, from: { id: 'bench' }, channelData: { clientActivityID: `c${n}` } }),
        };
      },
    },
  ];
  const ours = await peak(base, turnRequests);
  await app.close();

  // The floor: the same body read and NLP.js's own `process` on a network trained on the same corpus, nothing else.
  console.log('training NLP.js on the corpus for the bare route (about a minute) ...');
  const { nlp } = await IntentClassifier.trainWithNlp(loadCorpus(resolve(PROJECT_ROOT, 'intents')));
  const server = restify.createServer();
  server.post('/turn', async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const { text } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
    const result = await nlp.process(/\p{Script=Han}/u.test(text) ? 'zh' : 'en', text);
    res.send(200, { intent: result.intent });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  let m = 0;
  const bare = await peak(`http://127.0.0.1:${server.address().port}`, () => [
    {
      method: 'POST',
      setupRequest: (req) => ({ ...req, path: '/turn', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: TEXTS[m++ % TEXTS.length] }) }),
    },
  ]);
  server.close();
  console.log(`Direct Line turn                       ${ours.rps.toFixed(0)} turns/s at ${ours.connections} connections, p99 ${ours.p99} ms (target < 20), errors ${ours.errors}`);
  console.log(`bare restify + NLP.js process          ${bare.rps.toFixed(0)} req/s at ${bare.connections} connections, p99 ${bare.p99} ms`);
  console.log(`ratio                                  ${((100 * ours.rps) / bare.rps).toFixed(0)}% of the bare route (target >= 60%)`);
}
