/**
 * A stand-in Bot Framework channel on 127.0.0.1: CloudAdapter sends the bot's replies to its serviceUrl, and this
 * records every activity it receives. Nothing leaves the machine.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface FakeChannel {
  url: string;
  received: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startChannel(): Promise<FakeChannel> {
  const received: FakeChannel['received'] = [];
  const server: Server = createServer((req, res) => {
    void readAll(req).then((text) => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { raw: text };
      }
      received.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `r-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Bot Framework message activity as a channel would post it to /api/messages. */
export function bfActivity(serviceUrl: string, conversationId: string, text: string, channelId = 'test'): Record<string, unknown> {
  return {
    type: 'message',
    id: `act-${Math.random().toString(16).slice(2)}`,
    text,
    channelId,
    serviceUrl,
    from: { id: 'user-1', name: 'user' },
    recipient: { id: 'bot', name: 'bot' },
    conversation: { id: conversationId },
    locale: 'zh-CN',
  };
}
