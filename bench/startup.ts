/**
 * Cold start and memory of the service as `npm start` runs it (compiled, one node process, the models built at
 * install) against a bare Node HTTP server started the same way. Targets: ready under 1.5 s, under 150 MB.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';

interface Start {
  ms: number;
  rssMb: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Starts a process, asks `url` until it answers 200, then reads its memory and stops it. */
async function coldStart(args: string[], env: Record<string, string>, url: string): Promise<Start> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
  try {
    for (;;) {
      const ok = await fetch(url).then((r) => r.status === 200, () => false);
      if (ok) return { ms: performance.now() - t0, rssMb: rssMb(child.pid!) };
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
      if (performance.now() - t0 > 120_000) throw new Error(`${args.join(' ')} did not become ready`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGKILL');
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchStartup(): Promise<void> {
  if (!existsSync(resolve(PROJECT_ROOT, 'dist/src/main.js'))) throw new Error('run npm run build first: npm start runs the compiled service');
  const port = 39000 + Math.floor(Math.random() * 1000);
  const bare: Start[] = [];
  const ours: Start[] = [];
  for (let i = 0; i < 5; i++) {
    bare.push(await coldStart(['-e', `require('node:http').createServer((q,s)=>s.end('ok')).listen(${port})`], {}, `http://127.0.0.1:${port}/`));
    ours.push(await coldStart(['dist/src/main.js'], { PORT: String(port + 1), LOG_LEVEL: 'silent' }, `http://127.0.0.1:${port + 1}/readyz`));
  }
  const ms = median(ours.map((s) => s.ms));
  const mb = median(ours.map((s) => s.rssMb));
  const bms = median(bare.map((s) => s.ms));
  const bmb = median(bare.map((s) => s.rssMb));
  console.log(`cold start to /readyz (median of 5)    ${ms.toFixed(0)} ms (target < 1500)   | bare node http ${bms.toFixed(0)} ms | ratio ${(ms / bms).toFixed(2)}x`);
  console.log(`resident memory at ready               ${mb.toFixed(0)} MB (target < 150)    | bare node http ${bmb.toFixed(0)} MB | ratio ${(mb / bmb).toFixed(2)}x`);
}
