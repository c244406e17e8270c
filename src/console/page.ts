/** `GET /console`: the staff console page and its two static files, under a CSP that allows no inline script. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'restify';
import { securityHeaders } from '../channels/widget.js';

const here = join(dirname(fileURLToPath(import.meta.url)), 'page');
export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function mountConsolePage(server: Server): void {
  const files: Record<string, { body: Buffer; type: string }> = {
    'console.js': { body: readFileSync(join(here, 'console.js')), type: 'application/javascript; charset=utf-8' },
    'faq.js': { body: readFileSync(join(here, 'faq.js')), type: 'application/javascript; charset=utf-8' },
    'panels.js': { body: readFileSync(join(here, 'panels.js')), type: 'application/javascript; charset=utf-8' },
    'console.css': { body: readFileSync(join(here, 'console.css')), type: 'text/css; charset=utf-8' },
  };
  const page = readFileSync(join(here, 'index.html'));
  server.get('/console', async (_req, res) => {
    securityHeaders(res, CONSOLE_CSP);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  server.get('/console/static/:file', async (req, res) => {
    const file = files[String(req.params.file)];
    if (!file) return void res.send(404, { error: 'not found' });
    securityHeaders(res, CONSOLE_CSP);
    res.writeHead(200, { 'Content-Type': file.type });
    res.end(file.body);
  });
}
