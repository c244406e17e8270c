/**
 * The layout rules of ../shared/spec/design.md ("Layout"), checked on the import graph of src/ with
 * dependency-cruiser (type-only imports and dynamic imports included), and on the source text for process.env.
 * A failure prints every violation as `file -> import`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';

const rules: IForbiddenRuleType[] = [
  {
    name: 'core-imports-only-core-and-zod',
    comment: 'core/ imports nothing outside core/ but zod (no Node built-ins, no other package, no other folder)',
    severity: 'error',
    from: { path: '^src/core/' },
    to: { pathNot: ['^src/core/', '(^|/)node_modules/zod/'] },
  },
  {
    name: 'console-not-channels-bot-or-store',
    comment: 'console/ never imports channels/ (the two sides meet in handoff/) nor bot/, nor store/ (its narrow port is handoff/staff-store.ts)',
    severity: 'error',
    from: { path: '^src/console/' },
    to: { path: ['^src/channels/', '^src/bot/', '^src/store/'] },
  },
  {
    name: 'channels-not-store-or-console',
    comment: 'channels/ does not import store/ (messages go through the transcript), not even types, nor console/',
    severity: 'error',
    from: { path: '^src/channels/' },
    to: { path: ['^src/store/', '^src/console/'] },
  },
  {
    name: 'ioredis-only-in-store-redis',
    comment: 'only store/redis.ts imports ioredis',
    severity: 'error',
    from: { pathNot: '^src/store/redis\\.ts$' },
    to: { path: '(^|/)node_modules/ioredis/' },
  },
];

interface Violation {
  rule: string;
  from: string;
  to: string;
  how: string;
}

async function violations(root = PROJECT_ROOT): Promise<{ found: Violation[]; cruised: number; unresolved: string[] }> {
  // Paths are reported relative to baseDir, as the rules are written.
  const { output } = await cruise(['src'], {
    baseDir: root,
    validate: true,
    ruleSet: { forbidden: rules },
    // Type-only imports count: a channel that imports a store type still depends on the store.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  });
  const result = output as ICruiseResult;
  const found: Violation[] = result.summary.violations.map((v) => {
    const module = result.modules.find((m) => m.source === v.from);
    const dependency = module?.dependencies.find((d) => d.resolved === v.to);
    return { rule: v.rule.name, from: v.from, to: dependency?.module ?? v.to, how: dependency?.dependencyTypes.join(',') ?? '' };
  });
  const unresolved = result.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve).map((d) => `${m.source} -> ${d.module}`));
  return { found, cruised: result.summary.totalCruised, unresolved };
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [path] : [];
  });
}

/** The code without its comments, so that a comment naming process.env is not a reading of it. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
}

/** process.env, process['env'], `{ env } = process` and `import { env } from 'node:process'`. */
const READS_ENV = [
  /\bprocess\s*(\?\.|\.)\s*env\b/,
  /\bprocess\s*\[\s*['"`]env['"`]\s*\]/,
  /\{[^{}]*\benv\b[^{}]*\}\s*=\s*(globalThis\s*\.\s*)?process\b/,
  /import\s*\{[^}]*\benv\b[^}]*\}\s*from\s*['"](node:)?process['"]/,
  /import\s+\*\s+as\s+\w+\s+from\s*['"](node:)?process['"]/,
];

describe('the import graph of src/', () => {
  it('keeps the layout rules of the design', async () => {
    const { found, cruised, unresolved } = await violations();
    // The graph is real: every file was read and every local import found.
    expect(cruised).toBeGreaterThan(50);
    expect(unresolved).toEqual([]);
    const lines = found.map((v) => `${v.rule}: ${v.from} -> ${v.to} (${v.how})`);
    if (lines.length) process.stdout.write(`import-graph violations:\n  ${lines.join('\n  ')}\n`);
    expect(lines).toEqual([]);
  }, 60_000);

  it('reads process.env only in src/config.ts', () => {
    const readers = sources(join(PROJECT_ROOT, 'src'))
      .map((path) => relative(PROJECT_ROOT, path))
      .filter((path) => path !== join('src', 'config.ts'))
      .filter((path) => READS_ENV.some((re) => re.test(code(readFileSync(join(PROJECT_ROOT, path), 'utf8')))));
    if (readers.length) process.stdout.write(`process.env read outside src/config.ts:\n  ${readers.join('\n  ')}\n`);
    expect(readers).toEqual([]);
  });

  it('finds what the rules forbid (the checks themselves work)', async () => {
    // A small tree with one planted violation of each rule, and imports the rules allow.
    const root = mkdtempSync(join(tmpdir(), 'hotline-imports-'));
    try {
      symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
      const files: Record<string, string> = {
        'src/core/a.ts': "import { z } from 'zod';\nimport { readFileSync } from 'node:fs';\nimport { b } from '../store/b.js';\nimport { t } from './t.js';\nexport const a = [z, readFileSync, b, t];\n",
        'src/core/t.ts': 'export const t = 1;\n',
        'src/store/b.ts': 'export const b = 1;\nexport type S = number;\n',
        'src/store/redis.ts': "import { Redis } from 'ioredis';\nexport const r = Redis;\n",
        'src/handoff/h.ts': "import type { Redis } from 'ioredis';\nexport type H = Redis;\n",
        'src/console/c.ts': "import { d } from '../channels/d.js';\nimport type { E } from '../bot/e.js';\nimport { h } from '../handoff/i.js';\nimport type { S } from '../store/b.js';\nexport const c: E = d + h;\nexport type C = S;\n",
        'src/handoff/i.ts': 'export const h = 1;\n',
        'src/channels/d.ts': "import type { S } from '../store/b.js';\nimport { h } from '../handoff/i.js';\nexport const d: S = h;\n",
        'src/channels/w.ts': "export const w = import('../console/c.js');\n",
        'src/bot/e.ts': 'export type E = number;\n',
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const { found, unresolved } = await violations(root);
      expect(unresolved).toEqual([]);
      expect(found.map((v) => `${v.rule}: ${v.from} -> ${v.to}`).sort()).toEqual(
        [
          'channels-not-store-or-console: src/channels/d.ts -> ../store/b.js',
          'channels-not-store-or-console: src/channels/w.ts -> ../console/c.js',
          'console-not-channels-bot-or-store: src/console/c.ts -> ../bot/e.js',
          'console-not-channels-bot-or-store: src/console/c.ts -> ../channels/d.js',
          'console-not-channels-bot-or-store: src/console/c.ts -> ../store/b.js',
          'core-imports-only-core-and-zod: src/core/a.ts -> ../store/b.js',
          'core-imports-only-core-and-zod: src/core/a.ts -> fs',
          'ioredis-only-in-store-redis: src/handoff/h.ts -> ioredis',
        ].sort(),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }

    // config.ts reads the environment: the text check sees it.
    expect(READS_ENV.some((re) => re.test(code(readFileSync(join(PROJECT_ROOT, 'src', 'config.ts'), 'utf8'))))).toBe(true);
    expect(READS_ENV.some((re) => re.test(code('// process.env.X in a comment\n/* process.env */')))).toBe(false);
    expect(READS_ENV.some((re) => re.test(code("const { env: e } = process;")))).toBe(true);
    expect(READS_ENV.some((re) => re.test(code("import { env } from 'node:process';")))).toBe(true);
  });
});
