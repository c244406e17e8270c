/** Response headers both sides set: a strict CSP and friends, no caching, HSTS over HTTPS. */
import type { Response } from 'restify';

/**
 * Every response that can carry her words, a token or a staff page: nothing may stay in a browser's cache or a
 * proxy's, and the page may not be framed by another site.
 */
export function securityHeaders(res: Response, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  res.setHeader('Cache-Control', 'no-store');
}

/** For JSON APIs: nothing to render, nothing to cache. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export const HSTS = 'max-age=31536000; includeSubDomains';
