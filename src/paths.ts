/** Where the project is: the folder with package.json above this file, whether it runs from src/ (tsx) or dist/src/ (node). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
/** Runs as compiled JavaScript (dist/), not through tsx. */
export const COMPILED = import.meta.url.endsWith('.js');

/** A file of the source tree (pages, data tables): read from src/ whether the code runs from src/ or dist/src/. */
export function sourceFile(...parts: string[]): string {
  return join(PROJECT_ROOT, 'src', ...parts);
}
