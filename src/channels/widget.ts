/** `GET /`: the chat widget page, with Microsoft's Web Chat bundle served from here (never a CDN). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Response, Server } from 'restify';

const here = dirname(fileURLToPath(import.meta.url));
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

export function securityHeaders(res: Response, csp: string): void {
  res.header('Content-Security-Policy', csp);
  res.header('X-Content-Type-Options', 'nosniff');
  res.header('Referrer-Policy', 'no-referrer');
  res.header('Cross-Origin-Opener-Policy', 'same-origin');
  res.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  // A page about abuse must not linger in a shared browser's cache.
  res.header('Cache-Control', 'no-store');
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function mountWidget(server: Server, options: { quickExitUrl: string }): void {
  const page = readFileSync(join(here, 'widget', 'index.html'), 'utf8').replace(
    '<html lang="zh-CN">',
    `<html lang="zh-CN" data-exit-url="${escapeAttr(options.quickExitUrl)}">`,
  );
  const assets: Record<string, { body: Buffer; type: string; cache: string }> = {
    'webchat.js': { body: readFileSync(join(webchatDist, 'webchat-minimal.js')), type: 'application/javascript; charset=utf-8', cache: 'public, max-age=86400' },
    'widget.js': { body: readFileSync(join(here, 'widget', 'widget.js')), type: 'application/javascript; charset=utf-8', cache: 'no-cache' },
    'widget.css': { body: readFileSync(join(here, 'widget', 'widget.css')), type: 'text/css; charset=utf-8', cache: 'no-cache' },
    'favicon.svg': { body: readFileSync(join(here, 'widget', 'favicon.svg')), type: 'image/svg+xml', cache: 'public, max-age=86400' },
  };

  server.get('/', async (_req, res) => {
    securityHeaders(res, WIDGET_CSP);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  server.get('/widget/:file', async (req, res) => {
    const asset = assets[String(req.params.file)];
    if (!asset) {
      res.send(404, { error: 'not found' });
      return;
    }
    res.header('X-Content-Type-Options', 'nosniff');
    res.writeHead(200, { 'Content-Type': asset.type, 'Cache-Control': asset.cache });
    res.end(asset.body);
  });
}
