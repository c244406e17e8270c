/**
 * The one reader of request bodies: JSON only, no content encoding, a cap on the bytes read (which are the
 * decoded bytes, since nothing is decompressed), a cap on nesting, and text made well formed before anyone
 * stores it. Nothing touches the disk.
 */
import type { Request } from 'restify';
import type { z } from 'zod';
import { badInput, HttpError } from './errors.js';

/** Deeper than any activity or console body; deep enough to refuse a nesting bomb before parsing it. */
export const MAX_DEPTH = 32;

function mediaType(req: Request): string {
  return String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The deepest nesting of arrays and objects in a JSON text, scanned without parsing it. */
function depthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Lone surrogates (valid JSON escapes, invalid text) become U+FFFD, in keys and values alike. */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k.toWellFormed()] = wellFormed(v);
    return out;
  }
  return value;
}

/**
 * The body's bytes, at most `limit`. Past the limit it rejects at once and reads the rest without keeping it, so
 * that the client, still sending, receives the 413 (leaving a `for await` early would destroy the socket).
 */
function collect(req: Request, limit: number): Promise<{ chunks: Buffer[]; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new HttpError(413, `body larger than ${limit} bytes`));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve({ chunks, size }));
    req.on('error', reject);
  });
}

/** Reads a JSON body of at most `limit` bytes. An empty body is undefined. */
export async function readJson(req: Request, limit: number): Promise<unknown> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    req.resume();
    throw new HttpError(415, 'content encodings are not accepted; send plain JSON');
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    throw new HttpError(413, `body larger than ${limit} bytes`);
  }
  const { chunks, size } = await collect(req, limit);
  if (size === 0) return undefined;
  // Checked after reading, so that the client's request is read whole and the 415 reaches it.
  if (mediaType(req) !== 'application/json') throw new HttpError(415, 'the body must be application/json');
  const text = new TextDecoder('utf-8').decode(Buffer.concat(chunks, size));
  if (depthExceeds(text, MAX_DEPTH)) throw new HttpError(400, `body nested deeper than ${MAX_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  return wellFormed(parsed);
}

/** Reads and validates a JSON body; a bad one is a 400 naming the field. */
export async function readBody<T>(req: Request, schema: z.ZodType<T>, limit: number): Promise<T> {
  const parsed = schema.safeParse(await readJson(req, limit));
  if (!parsed.success) throw badInput(parsed.error, 'body');
  return parsed.data;
}
