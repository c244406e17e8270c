/** `GET /console`: the staff console page and its static files, under a CSP that allows no inline script. */
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Server } from 'restify';
import { securityHeaders } from '../http/headers.js';
import { sourceFile } from '../paths.js';
import { staticFiles, type StaticFile } from '../http/static-files.js';

const here = sourceFile('console', 'page');
export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = { '.js': 'application/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

export function mountConsolePage(server: Server): void {
  const files: Record<string, StaticFile> = {};
  for (const name of readdirSync(here)) {
    const type = TYPES[extname(name)];
    if (type) files[name] = { path: join(here, name), type, cache: 'no-store' };
  }
  const serve = staticFiles(files, (res) => securityHeaders(res, CONSOLE_CSP));
  const page = readFileSync(join(here, 'index.html'));
  server.get('/console', async (_req, res) => {
    securityHeaders(res, CONSOLE_CSP);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  server.get('/console/static/:file', async (req, res) => {
    serve(req, res, String(req.params.file));
  });
}
