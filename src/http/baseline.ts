/**
 * What every response carries, set before any route runs: the security headers with the API's CSP (a page sets its
 * own), no caching, HSTS once the request came over HTTPS; and restify's own 404 and 405 made plain (its messages
 * echo the path asked for, and it sets none of our headers).
 */
import type { Request, Response, Server } from 'restify';
import { API_CSP, HSTS, securityHeaders } from './headers.js';
import type { ClientInfo } from './request.js';

export function mountBaseline(server: Server, client: ClientInfo): void {
  server.pre((req: Request, res: Response, next: () => void) => {
    securityHeaders(res, API_CSP);
    if (client.secure(req)) res.setHeader('Strict-Transport-Security', HSTS);
    next();
  });
  const plain = (status: number, error: string) => (_req: Request, res: Response, _err: unknown, done: () => void) => {
    // restify sends nothing more once a response is sent.
    res.send(status, { error });
    done();
  };
  server.on('NotFound', plain(404, 'not found'));
  server.on('MethodNotAllowed', plain(405, 'method not allowed'));
}
