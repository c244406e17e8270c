/** Cold start and memory of the service against a bare Node HTTP server started the same way. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PROJECT_ROOT } from '../src/app.js';

interface Start {
  ms: number;
  rssMb: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Starts a process, polls `url` until it answers 200, then reads its memory and stops it. */
async function coldStart(args: string[], env: Record<string, string>, url: (port: number) => string, port: number): Promise<Start> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
  try {
    for (let i = 0; i < 6000; i++) {
      try {
        const res = await fetch(url(port));
        if (res.status === 200) return { ms: performance.now() - t0, rssMb: rssMb(child.pid!) };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${args.join(' ')} did not become ready`);
  } finally {
    child.kill('SIGKILL');
  }
}

export async function benchStartup(): Promise<void> {
  const port = 39000 + Math.floor(Math.random() * 1000);
  const bare = await coldStart(
    ['--import', 'tsx', '-e', `require('node:http').createServer((q,s)=>s.end('ok')).listen(${port})`],
    {},
    (p) => `http://127.0.0.1:${p}/`,
    port,
  );
  const service = () =>
    coldStart(['--import', 'tsx', 'src/main.ts'], { PORT: String(port + 1), LOG_LEVEL: 'silent' }, (p) => `http://127.0.0.1:${p}/readyz`, port + 1);
  // The first start after a corpus change trains and caches the model; the figure is for a start from the cache.
  await service();
  const ours = await service();
  console.log(
    `cold start to ready (cached model)      ${ours.ms.toFixed(0)} ms, RSS ${ours.rssMb.toFixed(0)} MB   | bare node http ${bare.ms.toFixed(0)} ms, RSS ${bare.rssMb.toFixed(0)} MB   | ratio ${(ours.ms / bare.ms).toFixed(2)}x time, ${(ours.rssMb / bare.rssMb).toFixed(2)}x memory`,
  );
}
