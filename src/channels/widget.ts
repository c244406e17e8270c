/** `GET /`: the chat widget page, with Microsoft's Web Chat bundle served from here (never a CDN). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Server } from 'restify';
import { securityHeaders } from '../http/headers.js';
import { sourceFile } from '../paths.js';
import { staticFiles } from '../http/static-files.js';

const webchatDist = resolve(dirname(createRequire(import.meta.url).resolve('botframework-webchat')), '..', 'dist');

/**
 * Web Chat's components inject their styles at run time, so styles may be inline; scripts may not. Nothing
 * may load from elsewhere, and the page may not be framed by another site.
 */
export const WIDGET_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function mountWidget(server: Server, options: { quickExitUrl: string }): void {
  const widgetDir = sourceFile('channels', 'widget');
  const page = readFileSync(join(widgetDir, 'index.html'), 'utf8').replaceAll('{{EXIT_URL}}', escapeAttr(options.quickExitUrl));
  const js = 'application/javascript; charset=utf-8';
  const files = staticFiles({
    'webchat.js': { path: join(webchatDist, 'webchat-minimal.js'), type: js, cache: 'no-store' },
    'widget.js': { path: join(widgetDir, 'widget.js'), type: js, cache: 'no-store' },
    'widget.css': { path: join(widgetDir, 'widget.css'), type: 'text/css; charset=utf-8', cache: 'no-store' },
    'favicon.svg': { path: join(widgetDir, 'favicon.svg'), type: 'image/svg+xml', cache: 'no-store' },
  });

  server.get('/', async (_req, res) => {
    securityHeaders(res, WIDGET_CSP);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  server.get('/widget/:file', async (req, res) => {
    files(req, res, String(req.params.file));
  });
}
