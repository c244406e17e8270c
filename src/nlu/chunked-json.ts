/**
 * JSON in lines of bounded size, so that a large document (a trained model, several megabytes) can be parsed
 * a piece at a time with turns of the event loop between, instead of in one long pause of the thread that
 * answers requests. Each line is `[path, value]`: the value goes at the path, or is merged into the object or
 * array already there. JSON text holds no raw newline, so lines split cleanly.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };
type Line = [path: string[], value: Json];

const isContainer = (v: Json): v is Container => typeof v === 'object' && v !== null;
const size = (v: Json) => JSON.stringify(v).length;

function explode(value: Json, path: string[], limit: number, out: Line[]): void {
  if (!isContainer(value) || size(value) <= limit) {
    out.push([path, value]);
    return;
  }
  out.push([path, Array.isArray(value) ? [] : {}]);
  let batch: Record<string, Json> = {};
  let batchSize = 0;
  const flush = () => {
    if (batchSize) out.push([path, batch]);
    batch = {};
    batchSize = 0;
  };
  for (const [key, child] of Object.entries(value)) {
    const childSize = size(child);
    if (childSize > limit) {
      flush();
      explode(child, [...path, key], limit, out);
      continue;
    }
    // Children of an array are merged by index, so a batch of them is an object with numeric keys.
    batch[key] = child;
    batchSize += childSize + key.length + 4;
    if (batchSize >= limit) flush();
  }
  flush();
}

/** `value` as lines of about `limit` characters each. */
export function stringifyChunked(value: unknown, limit = 64 * 1024): string {
  const out: Line[] = [];
  explode(value as Json, [], limit, out);
  return out.map((line) => JSON.stringify(line)).join('\n');
}

/**
 * The value back from `stringifyChunked`. `pause` is awaited after each `pauseEvery` characters parsed (a
 * turn of the event loop, say).
 */
export async function parseChunked(text: string, pause: () => Promise<void>, pauseEvery = 256 * 1024): Promise<unknown> {
  let root: Json | undefined;
  let parsed = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const [path, value] = JSON.parse(text.slice(start, end)) as Line;
    parsed += end - start;
    start = end + 1;
    if (path.length === 0) {
      root = root !== undefined && isContainer(root) && isContainer(value) ? Object.assign(root, value) : value;
    } else {
      let parent = root as Container;
      for (const key of path.slice(0, -1)) parent = (parent as Record<string, Json>)[key] as Container;
      const key = path[path.length - 1]!;
      const slot = parent as Record<string, Json>;
      const existing = slot[key];
      slot[key] = existing !== undefined && isContainer(existing) && isContainer(value) ? Object.assign(existing, value) : value;
    }
    if (parsed >= pauseEvery) {
      parsed = 0;
      await pause();
    }
  }
  return root;
}
