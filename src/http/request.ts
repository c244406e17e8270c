/** What a request says about its client: the address (behind trusted proxies), HTTPS, a bearer token, the query. */
import { BlockList, isIP } from 'node:net';
import type { Request } from 'restify';

export class ClientInfo {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  /** `trustedProxies`: addresses or CIDR ranges (10.0.0.0/8, ::1) of the proxies in front of the service. */
  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      const [address, bits] = entry.split('/');
      const type = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.trusted.addAddress(address!, type);
      else this.trusted.addSubnet(address!, Number(bits), type);
    }
    this.any = trustedProxies.length > 0;
  }

  private isTrusted(address: string | undefined): boolean {
    if (!this.any || !address) return false;
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    return isIP(plain) !== 0 && this.trusted.check(plain, type);
  }

  /**
   * The client's address. Behind trusted proxies it is the right-most address in X-Forwarded-For that is not a
   * trusted proxy itself (the left part of the header is whatever the client chose to send).
   */
  address(req: Request): string {
    const peer = req.socket?.remoteAddress ?? 'unknown';
    if (!this.isTrusted(peer)) return peer;
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (let i = forwarded.length - 1; i >= 0; i--) {
      if (!this.isTrusted(forwarded[i])) return forwarded[i]!;
    }
    return forwarded[0] ?? peer;
  }

  /** Whether the client reached us over HTTPS: directly, or through a trusted proxy that says so. */
  secure(req: Request): boolean {
    if ((req.socket as { encrypted?: boolean } | undefined)?.encrypted) return true;
    if (!this.isTrusted(req.socket?.remoteAddress)) return false;
    return String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim().toLowerCase() === 'https';
  }
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1];
}

/** One query-string value; restify parses no query string unless a plugin is installed. */
export function queryParam(req: Request, name: string): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').searchParams.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}
