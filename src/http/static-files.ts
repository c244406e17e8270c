/** A fixed set of files read once at start, served by name; a name not in the set is a 404, whatever it is. */
import { readFileSync } from 'node:fs';
import type { Request, Response } from 'restify';

export interface StaticFile {
  path: string;
  type: string;
  /** Cache-Control for this file. */
  cache: string;
}

export type StaticFiles = (req: Request, res: Response, name: string) => void;

export function staticFiles(files: Record<string, StaticFile>, before?: (res: Response) => void): StaticFiles {
  const loaded = new Map(Object.entries(files).map(([name, f]) => [name, { ...f, body: readFileSync(f.path) }]));
  return (_req, res, name) => {
    // A Map, not an object: '__proto__' or 'constructor' is just a name that is not there.
    const file = loaded.get(name);
    if (!file) {
      res.send(404, { error: 'not found' });
      return;
    }
    before?.(res);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': file.cache });
    res.end(file.body);
  };
}
