/**
 * Direct Line tokens: a signed, expiring claim to exactly one conversation. HMAC-SHA256 over the payload;
 * no token for one chat can read or write another.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  /** The one conversation this token opens. */
  conversationId: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

export class TokenError extends Error {
  override name = 'TokenError';
}

export class TokenSigner {
  private readonly key: Buffer;

  constructor(
    secret: string | undefined,
    private readonly ttlSeconds: number,
    private readonly clock: () => number = Date.now,
  ) {
    // Without a configured secret (memory store, one process) a random key is right: tokens die with the process
    // just as the conversations do.
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  get ttl(): number {
    return this.ttlSeconds;
  }

  issue(conversationId: string): string {
    const claims: TokenClaims = { conversationId, expiresAt: this.clock() + this.ttlSeconds * 1000 };
    const payload = Buffer.from(JSON.stringify({ c: claims.conversationId, e: claims.expiresAt })).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** Throws TokenError for a malformed, forged or expired token. */
  verify(token: string): TokenClaims {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) throw new TokenError('malformed token');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new TokenError('bad signature');
    let data: { c?: unknown; e?: unknown };
    try {
      data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { c?: unknown; e?: unknown };
    } catch {
      throw new TokenError('malformed token');
    }
    if (typeof data.c !== 'string' || typeof data.e !== 'number') throw new TokenError('malformed token');
    if (data.e <= this.clock()) throw new TokenError('token expired');
    return { conversationId: data.c, expiresAt: data.e };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
