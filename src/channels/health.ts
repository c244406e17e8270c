/** `/healthz`: the process answers. `/readyz`: the store answers and the intent model is live. */
import type { Server } from 'restify';

export function mountHealth(server: Server, deps: { ping: () => Promise<void>; modelReady: () => boolean }): void {
  server.get('/healthz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    let store = true;
    try {
      await deps.ping();
    } catch {
      store = false;
    }
    const model = deps.modelReady();
    const ready = store && model;
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', store, model });
  });
}
