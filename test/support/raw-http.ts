/**
 * HTTP requests as an attacker sends them: any method, a raw path (no URL normalisation), any headers, a body of
 * bytes or none, with Content-Length or chunked. `fetch` normalises paths and refuses some headers; this does not.
 */
import { Agent, request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send the body in chunks without a Content-Length. */
  chunked?: boolean;
  /** Stop reading after the headers (server-sent events never end). */
  headersOnly?: boolean;
  timeoutMs?: number;
  /**
   * The connection: a new one that closes after the response (the default), a shared keep-alive pool (`'reuse'`),
   * or a given agent (a test that watches one connection serve several requests).
   */
  connection?: 'fresh' | 'reuse' | Agent;
}

const pool = new Agent({ keepAlive: true, maxSockets: 16 });

function agentFor(connection: RawRequest['connection']): Agent | false {
  if (connection === undefined || connection === 'fresh') return false;
  return connection === 'reuse' ? pool : connection;
}

export function rawRequest(base: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
    if (body && !r.chunked && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(body.length);
    const req = request(
      { host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent: agentFor(r.connection), timeout: r.timeoutMs ?? 15_000 },
      (res) => {
        if (r.headersOnly) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${r.method} ${r.path.slice(0, 80)}`)));
    req.on('error', reject);
    if (body && r.chunked) {
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
      req.end();
    } else req.end(body);
  });
}

/** A multipart/form-data body with one text field and one file. */
export function multipart(fields: Record<string, string>, file: { name: string; filename: string; content: Buffer; type?: string }): { body: Buffer; contentType: string } {
  const boundary = `----hardening${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
  parts.push(file.content, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
