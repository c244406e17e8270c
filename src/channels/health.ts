/** `/healthz`: the process answers. `/readyz`: the store answers and the intent model is live. */
import type { Server } from 'restify';
import type { IntentModel } from '../nlu/model.js';
import type { Store } from '../store/store.js';

export function mountHealth(server: Server, deps: { store: Store; model: IntentModel }): void {
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req, res) => {
    let storeOk = true;
    try {
      await deps.store.ping();
    } catch {
      storeOk = false;
    }
    const ready = storeOk && deps.model.ready;
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', store: storeOk, model: deps.model.ready });
  });
}
