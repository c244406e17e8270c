/**
 * Deterministic randomness for the HTTP fuzz test: a seeded PRNG, random JSON (object-property names, lone
 * surrogates, deep and huge values included) and mutations of valid bodies.
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number): boolean => next() < p;
  /** Picks by weight: `[[weight, value], ...]`. */
  const weighted = <T>(entries: readonly (readonly [number, T])[]): T => {
    const total = entries.reduce((s, [w]) => s + w, 0);
    let r = next() * total;
    for (const [w, v] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    return entries.at(-1)![1];
  };
  return { next, int, pick, chance, weighted };
}
export type Rng = ReturnType<typeof prng>;

const KEYS = [
  'type', 'text', 'from', 'id', 'name', 'role', 'username', 'password', 'outcome', 'to', 'version', 'token', 'value',
  'attachments', 'channelData', 'serviceUrl', 'conversation', 'locale', 'callback', 'referrals', 'displayName', 'due',
  'contactWay', 'contactTime', 'zh', 'en', 'followUps', 'utterances', 'otp', 'clientActivityID', 'recipient', 'channelId',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', '\u0000', 'é', '键',
];

const STRINGS = [
  '', ' ', '你好', '怎么申请人身安全保护令', '救命 他拿着刀', 'help', 'message', 'typing', 'invoke', 'event', 'agent', 'admin',
  'supervisor', 'li', 'boss', 'zhao', '__proto__', 'constructor', '../../etc/passwd', '%00', '\u0000', '\ud800', '\udfff',
  '\ud83d\ude00', '\u202e', '<script>alert(1)</script>', "' OR 1=1 --", '${7*7}', '{{7*7}}', 'null', 'undefined', 'NaN',
  'referred_court', 'safe_callback_consented', 'legal_aid', 'zh-CN', 'en', 'http://127.0.0.1:1/', 'directline', 'user', 'bot',
];

function randomString(rng: Rng): string {
  switch (rng.int(6)) {
    case 0:
      return rng.pick(STRINGS);
    case 1: {
      // Any code units, lone surrogates included.
      let s = '';
      const n = rng.int(40);
      for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(0x10000));
      return s;
    }
    case 2:
      return rng.pick(STRINGS).repeat(1 + rng.int(200));
    case 3:
      return 'x'.repeat(rng.pick([100, 1000, 5001, 20_001, 30_000]));
    default: {
      let s = '';
      const n = 1 + rng.int(20);
      for (let i = 0; i < n; i++) s += String.fromCharCode(0x20 + rng.int(95));
      return s;
    }
  }
}

/** An object with own enumerable keys, `__proto__` included as a plain key (as JSON.parse makes it). */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

export function randomJson(rng: Rng, depth = 0): unknown {
  const leaf = depth > 4 || rng.chance(0.35);
  if (leaf) {
    switch (rng.int(8)) {
      case 0:
        return null;
      case 1:
        return rng.chance(0.5);
      case 2:
        return rng.pick([0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e-308, 0.5, 999_999_999_999]);
      case 3:
        return rng.int(100);
      default:
        return randomString(rng);
    }
  }
  if (rng.chance(0.4)) return Array.from({ length: rng.int(6) }, () => randomJson(rng, depth + 1));
  const n = rng.int(7);
  const entries: [string, unknown][] = [];
  for (let i = 0; i < n; i++) entries.push([rng.chance(0.8) ? rng.pick(KEYS) : randomString(rng).slice(0, 30), randomJson(rng, depth + 1)]);
  return objectOf(entries);
}

/** `levels` of nesting, arrays or objects, around a value. */
export function nestedJsonText(rng: Rng, levels: number): string {
  if (rng.chance(0.5)) return `${'['.repeat(levels)}1${']'.repeat(levels)}`;
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** A structural mutation of a valid body: a field removed, retyped, replaced, or a hostile one added. */
export function mutateValue(rng: Rng, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 3 || rng.chance(0.2)) {
    return rng.weighted<() => unknown>([
      [3, () => randomJson(rng, 3)],
      [1, () => (typeof value === 'string' ? value + randomString(rng) : value)],
      [1, () => (typeof value === 'string' ? `${value.slice(0, rng.int(value.length + 1))}\ud800` : value)],
      [1, () => undefined],
      [1, () => [value]],
      [1, () => (typeof value === 'object' ? JSON.stringify(value) : String(value))],
    ])();
  }
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length && rng.chance(0.5)) copy[rng.int(copy.length)] = mutateValue(rng, copy[rng.int(copy.length)], depth + 1);
    else copy.push(randomJson(rng, 2));
    return copy;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const action = rng.int(5);
  if (action === 0 && entries.length) entries.splice(rng.int(entries.length), 1);
  else if (action === 1) entries.push([rng.pick(KEYS), randomJson(rng, 2)]);
  else if (entries.length) {
    const i = rng.int(entries.length);
    entries[i] = [entries[i]![0], mutateValue(rng, entries[i]![1], depth + 1)];
  }
  return objectOf(entries.filter(([, v]) => v !== undefined));
}

/** A byte-level mutation of a JSON text: truncated, a character changed, garbage spliced in, or a BOM. */
export function mutateText(rng: Rng, text: string): string {
  switch (rng.int(6)) {
    case 0:
      return text.slice(0, rng.int(text.length + 1));
    case 1: {
      const i = rng.int(text.length + 1);
      return text.slice(0, i) + String.fromCharCode(rng.int(128)) + text.slice(i + 1);
    }
    case 2: {
      const i = rng.int(text.length + 1);
      return text.slice(0, i) + rng.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\\u', '\\ud800', 'NaN', 'undefined', '/*', '\u0000']) + text.slice(i);
    }
    case 3:
      return `\ufeff${text}`;
    case 4:
      return `${text}${text}`;
    default:
      return `${text} ${rng.pick(['', 'x', '{}', '\n\n'])}`;
  }
}
