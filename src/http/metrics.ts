/**
 * `GET /metrics`: Prometheus text, only with `Authorization: Bearer $METRICS_TOKEN` (a 404 when no token is set),
 * or on its own port bound to loopback (METRICS_PORT). Request durations are observed here for every route.
 */
import { createServer, type Server as NodeServer } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Metrics } from '../metrics.js';
import { bearerToken } from './request.js';

const started = new WeakMap<Request, bigint>();

export function observeRequests(server: Server, metrics: Metrics): void {
  server.pre((req: Request, _res: Response, next: () => void) => {
    started.set(req, process.hrtime.bigint());
    next();
  });
  server.on('after', (req: Request, res: Response) => {
    const t0 = started.get(req);
    if (t0 === undefined) return;
    // The route's pattern, never the path: a path holds conversation ids.
    const route = (req.getRoute?.()?.path as string | undefined) ?? 'unmatched';
    metrics.requests.observe({ route: String(route), method: req.method ?? 'GET', status: String(res.statusCode) }, Number(process.hrtime.bigint() - t0) / 1e9);
  });
}

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function mountMetrics(server: Server, metrics: Metrics, token: string | undefined): void {
  server.get('/metrics', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!token) return void res.send(404, { error: 'not found' });
    if (!tokenMatches(bearerToken(req), token)) return void res.send(401, { error: 'a bearer token is required' });
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
    res.end(body);
  });
}

/** A separate listener for /metrics on 127.0.0.1, for a scraper on the same machine. */
export function metricsListener(metrics: Metrics, port: number): Promise<NodeServer> {
  const listener = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, '127.0.0.1', () => resolve(listener));
  });
}
