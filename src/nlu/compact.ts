/**
 * NLP.js's trained NLU in compact form, and a runner that scores a text exactly as NLP.js does.
 *
 * NLP.js keeps a trained network as a graph of plain objects (every feature a property of several objects, every
 * training sentence, stem key and intent as well): importing ours took 0.6 s and 40 MB. The compact form keeps,
 * per locale, the feature -> column map, the perceptrons' weights in one Float32Array (outputs x columns, float32
 * as NLP.js trains them), their biases (float64, as NLP.js keeps them), the columns each intent's training
 * sentences held, and the exact-sentence keys. Only the text -> tokens step is NLP.js's own code (its English
 * normalizer, tokenizer and stemmer) or ours (the Chinese plug-ins registered in classifier.ts).
 *
 * What `nluManager.process(locale, text)` does with our settings (trainByDomain false, useStemDict true,
 * useNoneFeature true, keepStopwords true, spellCheck false, filterZeros true), step by step as below:
 *
 * 1. Prepare (Nlu.defaultPipelinePrepare): the locale's normalizer, tokenizer (empty tokens dropped) and stemmer;
 *    the tokens become the keys of a plain object (ArrToObj): duplicates go, integer-like tokens come first in
 *    numeric order, and the rest keep their order.
 * 2. Exact sentences (DomainManager.classifyByStemDict): the keys sorted and joined by commas; a key that some
 *    training sentence had answers with that sentence's intent at 1 and every other intent at 0.
 * 3. Features (Nlu.textToFeatures): known tokens at 1; the unknown ones make `nonefeature`, numIntents/numFeatures
 *    for the first and 1.2 times more for each further one.
 * 4. The network (NeuralNetwork.runInput): per output, bias + value x weight over the features in key order, then
 *    `alpha * sum` if that is positive, else 0.
 * 5. Nlu.convertToArray: the Nlu's intents whose output is above 0, sorted by score, or `None` at 1 if none is.
 *    The Nlp that trained the network lists `None` among its intents; one that imported the network does not
 *    (Nlu.fromJSON), so the two can answer differently: `noneReported` says which one to be.
 * 6. Nlu.filterNonActivated: an intent none of whose training sentences held any of the features goes to 0.
 * 7. Nlu.normalizeClassifications: the scores squared, then divided by their sum. NluManager sorts once more.
 *
 * NLP.js's dictionaries are plain objects, and its quirks from that are kept, since the point is the same answer:
 * a whole text named like a member of Object.prototype ("constructor", "toString") finds that member in the cache
 * of prepared texts, which stands for no tokens at all; a token so named counts as a known feature whose weight is
 * undefined, which makes every output NaN (the answer is `None` at 1); and a stem key so named answers intent
 * `undefined` at 1. What the runner does not copy is the history in that cache: NLP.js files a prepared text under
 * its normalized form but looks it up under the raw one, so "constructor" prepared once as part of
 * "Constructor" (or "" and "undefined", which share a slot) answer differently afterwards, until the cache
 * expires within the hour. The runner answers as NLP.js does before any of that.
 */
import { NormalizerEn, TokenizerEn } from '@nlpjs/lang-en-min';
import { ForgetfulStemmerEn } from './stemmer.js';
import { LOCALES, type Locale } from '../core/types.js';
import { foldText, tokenizeZh } from './text.js';

/** One entry of NLP.js's `classifications`. */
export interface IntentScore {
  /** Undefined only in the Object.prototype quirk above. */
  intent: string;
  score: number;
}

/** The network of one locale, as a model file holds it. */
export interface CompactLocaleJson {
  alpha: number;
  useNoneFeature: boolean;
  filterZeros: boolean;
  /** The Nlu's intent and feature counts: `nonefeature` grows by numIntents / numFeatures per unknown token. */
  numIntents: number;
  numFeatures: number;
  nonedeltaMultiplier: number;
  /** The network's inputs in column order, the Nlu's features and `nonefeature`: a JSON array in a string. */
  columns: string;
  /** The network's outputs (perceptrons), in order. */
  outputs: string[];
  /** The intents `convertToArray` walks, in its order (the keys of the Nlu's `intents`). */
  intents: string[];
  /** Whether `convertToArray` walks `None` after them: the Nlp that trained the network does, one that imported it not. */
  noneReported: boolean;
  bias: number[];
  /** Per output, its weights over the columns (sparse float32, base64: see `encodeWeights`). */
  weights: string[];
  /** Per intent, the columns its training sentences held: a bitset over the columns, base64. */
  seen: Record<string, string>;
  /**
   * The exact-sentence keys (a JSON array in a string) and the index of each one's intent in `intentDict`
   * (little-endian uint16, base64); null if useStemDict is off.
   */
  sentences: { keys: string; intents: string } | null;
  /** The locale's intents in the order of NLP.js's `intentDict`: an exact sentence reports the others in it. */
  intentDict: string[];
}

export type CompactJson = Record<Locale, CompactLocaleJson>;

// --- from NLP.js's export ------------------------------------------------------------------------------------

/** The part of `nlp.export()` that the compact form is made from. */
export interface NlpExport {
  nluManager: {
    settings: { useNoneFeature?: boolean; nonedeltaValue?: number; trainByDomain?: boolean };
    domainManagers: Record<string, DomainManagerExport>;
  };
}

interface DomainManagerExport {
  settings: { trainByDomain?: boolean; useStemDict?: boolean };
  stemDict: Record<string, { intent: string }>;
  intentDict: Record<string, string>;
  domains: Record<string, NluExport>;
}

interface NluExport {
  settings: { keepStopwords?: boolean; spellCheck?: boolean; filterZeros?: boolean; nonedeltaMultiplier?: number; nonedeltaValue?: number };
  features: Record<string, number>;
  intents: Record<string, number>;
  intentFeatures: Record<string, Record<string, number>>;
  neuralNetwork?: { settings: { alpha?: number }; features?: string[]; intents?: string[]; perceptrons?: number[][] };
}

/** NeuralNetwork's default `alpha`: its export leaves out the settings that equal their defaults. */
const NLPJS_DEFAULT_ALPHA = 0.07;
/** Nlu's default `nonedeltaMultiplier`. */
const NLPJS_DEFAULT_NONEDELTA_MULTIPLIER = 1.2;

function unsupported(locale: string, what: string): never {
  throw new Error(`compact NLU (${locale}): ${what}; the compact runner does not reproduce NLP.js with this`);
}

/**
 * The compact form of the NLU in `nlp.export()`. `noneReported`: answer as the Nlp that trained the network
 * (true) or as one that imported it (false, the default).
 */
export function compactFromNlpjs(exported: NlpExport, options: { noneReported?: boolean } = {}): CompactJson {
  const manager = exported.nluManager;
  const out = {} as CompactJson;
  for (const locale of LOCALES) {
    const dm = manager.domainManagers[locale];
    if (!dm) unsupported(locale, 'no domain manager');
    if (dm.settings.trainByDomain || manager.settings.trainByDomain) unsupported(locale, 'trainByDomain');
    const domains = Object.keys(dm.domains);
    const nlu = dm.domains.master_domain;
    if (!nlu || domains.length !== 1) unsupported(locale, `domains ${domains.join(', ')}`);
    const s = nlu.settings;
    if (s.keepStopwords !== true) unsupported(locale, 'stop words removed');
    if (s.spellCheck) unsupported(locale, 'spell check');
    if (s.nonedeltaValue !== undefined || manager.settings.nonedeltaValue !== undefined) unsupported(locale, 'nonedeltaValue');
    const nn = nlu.neuralNetwork;
    if (!nn?.features || !nn.intents || !nn.perceptrons) unsupported(locale, 'no trained network');

    const columns = nn.features;
    const column = new Map(columns.map((f, i) => [f, i]));
    const features = Object.keys(nlu.features);
    // The runner takes a token as known when it is a column other than `nonefeature`: NLP.js's feature list.
    const expected = new Set([...features, 'nonefeature']);
    if (column.size !== columns.length || expected.size !== columns.length || columns.some((f) => !expected.has(f))) {
      unsupported(locale, 'network columns other than the features and nonefeature');
    }

    const seen: Record<string, string> = {};
    for (const [intent, held] of Object.entries(nlu.intentFeatures)) {
      const bits = new Uint8Array(Math.ceil(columns.length / 8));
      for (const [f, flag] of Object.entries(held)) {
        const c = column.get(f);
        if (c === undefined) unsupported(locale, `feature ${f} of ${intent} without a column`);
        if (flag) bits[c >> 3]! |= 1 << (c & 7);
      }
      seen[intent] = Buffer.from(bits).toString('base64');
    }

    const intentDict = Object.keys(dm.intentDict);
    const intentIndex = new Map(intentDict.map((intent, i) => [intent, i]));
    let sentences: CompactLocaleJson['sentences'] = null;
    if (dm.settings.useStemDict) {
      const keys = Object.keys(dm.stemDict);
      const intents = keys.map((key) => {
        const i = intentIndex.get(dm.stemDict[key]!.intent);
        if (i === undefined) unsupported(locale, `sentence intent ${dm.stemDict[key]!.intent} not in intentDict`);
        return i;
      });
      sentences = { keys: JSON.stringify(keys), intents: encodeUint16(intents) };
    }

    out[locale] = {
      alpha: nn.settings.alpha ?? NLPJS_DEFAULT_ALPHA,
      useNoneFeature: manager.settings.useNoneFeature === true,
      filterZeros: s.filterZeros !== false,
      numIntents: Object.keys(nlu.intents).length,
      numFeatures: features.length,
      nonedeltaMultiplier: s.nonedeltaMultiplier ?? NLPJS_DEFAULT_NONEDELTA_MULTIPLIER,
      columns: JSON.stringify(columns),
      outputs: nn.intents,
      intents: Object.keys(nlu.intents),
      noneReported: options.noneReported === true,
      bias: nn.perceptrons.map((p) => p[p.length - 1]!),
      weights: nn.perceptrons.map((p) => encodeWeights(p, columns.length)),
      seen,
      sentences,
      intentDict,
    };
  }
  return out;
}

// --- binary helpers --------------------------------------------------------------------------------------------

/**
 * A row of float32 weights, sparsely: a bitset of the columns whose weight is not +0, then those weights as
 * little-endian float32, in base64. (Most weights stay at their initial 0: a third of the size of the dense row.)
 */
function encodeWeights(values: ArrayLike<number>, length: number): string {
  const bitsetLength = Math.ceil(length / 8);
  const nonzero: number[] = [];
  const bytes = Buffer.alloc(bitsetLength + length * 4);
  for (let c = 0; c < length; c++) {
    if (Object.is(Math.fround(values[c]!), 0)) continue;
    bytes[c >> 3]! |= 1 << (c & 7);
    nonzero.push(values[c]!);
  }
  nonzero.forEach((v, i) => bytes.writeFloatLE(v, bitsetLength + i * 4));
  return bytes.subarray(0, bitsetLength + nonzero.length * 4).toString('base64');
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A row from `encodeWeights` into `target` at `offset`, which holds zeros. */
function decodeWeightsInto(base64: string, target: Float32Array, offset: number, length: number): void {
  const bytes = Buffer.from(base64, 'base64');
  const bitsetLength = Math.ceil(length / 8);
  const count = (bytes.length - bitsetLength) / 4;
  if (!Number.isInteger(count) || count < 0) throw new Error('compact NLU: a row of weights of the wrong size');
  // Buffer's memory may be pooled and unaligned: copy the weights out into an aligned array.
  const values = new Float32Array(count);
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(bytes.subarray(bitsetLength));
  else for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(bitsetLength + i * 4);
  let k = 0;
  for (let byte = 0; byte < bitsetLength; byte++) {
    const bits = bytes[byte]!;
    if (bits === 0) continue;
    for (let bit = 0; bit < 8; bit++) if (bits & (1 << bit)) target[offset + byte * 8 + bit] = values[k++]!;
  }
  if (k !== count) throw new Error('compact NLU: a row of weights does not match its bitset');
}

function encodeUint16(values: number[]): string {
  const bytes = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => bytes.writeUInt16LE(v, i * 2));
  return bytes.toString('base64');
}

function decodeUint16(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  return Array.from({ length: bytes.length / 2 }, (_, i) => bytes.readUInt16LE(i * 2));
}

const bitsetToBase64 = (bits: Uint8Array) => Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('base64');

// --- text -> tokens, as NLP.js's pipeline with our plug-ins ----------------------------------------------------

const normalizerEn = new NormalizerEn();
const tokenizerEn = new TokenizerEn();
const stemmerEn = new ForgetfulStemmerEn();

/** NLP.js's English normalizer, tokenizer (empty tokens dropped) and stemmer, as its prepare step runs them. */
function prepareEn(text: string): string[] {
  const tokens = tokenizerEn.innerTokenize(normalizerEn.normalize(text)).filter((x) => x);
  return stemmerEn.stem(tokens);
}

/** Our Chinese normalizer, tokenizer (empty tokens dropped) and stemmer (which keeps the tokens as they are). */
function zhPreparer(tokenize: (text: string) => string[]): (text: string) => string[] {
  return (text) => tokenize(foldText(text)).filter((x) => x);
}

/** What NLP.js's plain-object dictionaries find under a key they do not hold: a member of Object.prototype. */
const PLAIN: Record<string, unknown> = {};
const inherited = (key: string): unknown => PLAIN[key];

/** ArrToObj, then Object.keys: the tokens in the order NLP.js walks them (integer-like first, `__proto__` lost). */
function tokenKeys(tokens: string[]): string[] {
  const object: Record<string, number> = {};
  for (const t of tokens) object[t] = 1;
  return Object.keys(object);
}

// --- the runner -------------------------------------------------------------------------------------------------

const byScore = (a: IntentScore, b: IntentScore) => b.score - a.score;

class LocaleNetwork {
  private readonly alpha: number;
  private readonly useNoneFeature: boolean;
  private readonly filterZeros: boolean;
  private readonly numIntents: number;
  private readonly numFeatures: number;
  private readonly nonedeltaMultiplier: number;
  /** Feature -> column; its insertion order is the column order. */
  private readonly column = new Map<string, number>();
  private readonly noneColumn: number;
  private readonly width: number;
  private readonly outputs: string[];
  /** outputs x columns. */
  private readonly weights: Float32Array;
  private readonly bias: Float64Array;
  private readonly intents: string[];
  private readonly noneReported: boolean;
  /** The intents `convertToArray` walks, with the index of their output (-1: none). */
  private readonly reported: { intent: string; output: number }[];
  private readonly seen = new Map<string, Uint8Array>();
  private readonly sentences: Map<string, number> | undefined;
  private readonly intentDict: string[];

  constructor(
    json: CompactLocaleJson,
    private readonly prepare: (text: string) => string[],
  ) {
    ({
      alpha: this.alpha,
      useNoneFeature: this.useNoneFeature,
      filterZeros: this.filterZeros,
      numIntents: this.numIntents,
      numFeatures: this.numFeatures,
      nonedeltaMultiplier: this.nonedeltaMultiplier,
      intents: this.intents,
      noneReported: this.noneReported,
      intentDict: this.intentDict,
      outputs: this.outputs,
    } = json);
    (JSON.parse(json.columns) as string[]).forEach((f, i) => this.column.set(f, i));
    this.noneColumn = this.column.get('nonefeature') ?? -1;
    this.width = this.column.size;
    if (json.weights.length !== json.outputs.length || json.bias.length !== json.outputs.length) {
      throw new Error('compact NLU: weights or biases do not match the outputs');
    }
    this.weights = new Float32Array(json.outputs.length * this.width);
    json.weights.forEach((w, i) => decodeWeightsInto(w, this.weights, i * this.width, this.width));
    this.bias = Float64Array.from(json.bias);
    const outputIndex = new Map(json.outputs.map((o, i) => [o, i]));
    // Nlu.convertToArray: the Nlu's intents; the training Nlp's list has `None` after them if they lack it.
    const reported = this.noneReported && !this.intents.includes('None') ? [...this.intents, 'None'] : this.intents;
    this.reported = reported.map((intent) => ({ intent, output: outputIndex.get(intent) ?? -1 }));
    for (const [intent, bits] of Object.entries(json.seen)) this.seen.set(intent, new Uint8Array(Buffer.from(bits, 'base64')));
    if (json.sentences) {
      const keys = JSON.parse(json.sentences.keys) as string[];
      const intents = decodeUint16(json.sentences.intents);
      if (intents.length !== keys.length) throw new Error('compact NLU: sentence keys and intents do not match');
      this.sentences = new Map(keys.map((k, i) => [k, intents[i]!]));
    }
  }

  toJSON(): CompactLocaleJson {
    const row = (o: number) => this.weights.subarray(o * this.width, (o + 1) * this.width);
    return {
      alpha: this.alpha,
      useNoneFeature: this.useNoneFeature,
      filterZeros: this.filterZeros,
      numIntents: this.numIntents,
      numFeatures: this.numFeatures,
      nonedeltaMultiplier: this.nonedeltaMultiplier,
      columns: JSON.stringify([...this.column.keys()]),
      outputs: this.outputs,
      intents: this.intents,
      noneReported: this.noneReported,
      bias: [...this.bias],
      weights: this.outputs.map((_, o) => encodeWeights(row(o), this.width)),
      seen: Object.fromEntries([...this.seen].map(([intent, bits]) => [intent, bitsetToBase64(bits)])),
      sentences: this.sentences ? { keys: JSON.stringify([...this.sentences.keys()]), intents: encodeUint16([...this.sentences.values()]) } : null,
      intentDict: this.intentDict,
    };
  }

  process(text: string): IntentScore[] {
    // The cache of prepared texts is a plain object, looked up by the raw text: see the quirks above.
    const keys = inherited(text) ? [] : tokenKeys(this.prepare(text));
    return this.exactSentence(keys) ?? this.network(keys);
  }

  /** DomainManager.classifyByStemDict. */
  private exactSentence(keys: string[]): IntentScore[] | undefined {
    if (!this.sentences) return undefined;
    const key = keys.slice().sort().join();
    const index = this.sentences.get(key);
    let intent: string;
    if (index !== undefined) intent = this.intentDict[index]!;
    else {
      const member = inherited(key);
      if (!member) return undefined;
      intent = (member as { intent: string }).intent;
    }
    const result: IntentScore[] = [{ intent, score: 1 }];
    for (const other of this.intentDict) if (other !== intent) result.push({ intent: other, score: 0 });
    return result;
  }

  /** Nlu.textToFeatures, NeuralNetwork.run, Nlu.convertToArray, filterNonActivated, normalizeClassifications. */
  private network(keys: string[]): IntentScore[] {
    const columns: number[] = [];
    let unknown = 0;
    let broken = false;
    for (const key of keys) {
      if (key === 'nonefeature') continue;
      const c = this.column.get(key);
      if (c !== undefined && c !== this.noneColumn) columns.push(c);
      else if (inherited(key)) broken = true;
      else unknown++;
    }
    let nonedelta = this.numIntents / this.numFeatures;
    let nonevalue = 0;
    for (let i = 0; i < unknown; i++) {
      nonevalue += nonedelta;
      nonedelta *= this.nonedeltaMultiplier;
    }
    const none = this.useNoneFeature && nonevalue !== 0 && this.noneColumn >= 0;

    const outputs = new Float64Array(this.outputs.length);
    if (broken) outputs.fill(NaN);
    else {
      for (let o = 0; o < outputs.length; o++) {
        const row = o * this.width;
        // In NLP.js's order: the bias, then each feature's value times its weight, `nonefeature` last.
        let sum = this.bias[o]!;
        for (const c of columns) sum += this.weights[row + c]!;
        if (none) sum += nonevalue * this.weights[row + this.noneColumn]!;
        outputs[o] = sum <= 0 ? 0 : this.alpha * sum;
      }
    }

    const result: IntentScore[] = [];
    for (const { intent, output } of this.reported) {
      if (output < 0) continue;
      const score = outputs[output]!;
      if (score > 0 || !this.filterZeros) result.push({ intent, score });
    }
    if (!result.length) result.push({ intent: 'None', score: 1 });
    result.sort(byScore);

    let modified = false;
    for (const c of result) {
      if (c.intent === 'None') continue;
      const seen = this.seen.get(c.intent);
      const held = (col: number) => seen !== undefined && (seen[col >> 3]! & (1 << (col & 7))) !== 0;
      // The features' keys: the known tokens, and `nonefeature` when it was set.
      if (!columns.some(held) && !(none && held(this.noneColumn))) {
        c.score = 0;
        modified = true;
      }
    }
    if (modified) result.sort(byScore);

    let total = 0;
    for (const c of result) {
      c.score **= 2;
      total += c.score;
    }
    if (total > 0) for (const c of result) c.score /= total;
    return result;
  }
}

export interface CompactNluOptions {
  /** The Chinese tokenizer the network was trained with (classifier.ts's `tokenizeZh` option). */
  tokenizeZh?: (text: string) => string[];
}

/** A trained NLU in compact form: the `classifications` of NLP.js's `nluManager.process(locale, text)`. */
export class CompactNlu {
  private constructor(private readonly networks: Record<Locale, LocaleNetwork>) {}

  static fromJSON(json: CompactJson, options: CompactNluOptions = {}): CompactNlu {
    const networks = {} as Record<Locale, LocaleNetwork>;
    for (const locale of LOCALES) networks[locale] = new LocaleNetwork(json[locale], preparer(locale, options));
    return new CompactNlu(networks);
  }

  /** As `fromJSON`, a locale at a time with `pause` awaited after each. */
  static async load(json: CompactJson, pause: () => Promise<void>, options: CompactNluOptions = {}): Promise<CompactNlu> {
    const networks = {} as Record<Locale, LocaleNetwork>;
    for (const locale of LOCALES) {
      networks[locale] = new LocaleNetwork(json[locale], preparer(locale, options));
      await pause();
    }
    return new CompactNlu(networks);
  }

  toJSON(): CompactJson {
    return Object.fromEntries(LOCALES.map((locale) => [locale, this.networks[locale].toJSON()])) as CompactJson;
  }

  process(locale: Locale, text: string): IntentScore[] {
    const network = this.networks[locale] as LocaleNetwork | undefined;
    // NluManager: no domain manager for the locale, no classifications.
    if (!network) return [];
    // NluManager.innerClassify sorts once more.
    return network.process(text).sort(byScore);
  }
}

function preparer(locale: Locale, options: CompactNluOptions): (text: string) => string[] {
  return locale === 'zh' ? zhPreparer(options.tokenizeZh ?? tokenizeZh) : prepareEn;
}
