// @nlpjs/basic ships no types; this declares the small part of it that the classifier uses.
declare module '@nlpjs/basic' {
  export interface NlpContainer {
    use(plugin: unknown): void;
    register(name: string, item: unknown, isSingleton?: boolean): void;
    registerConfiguration(tag: string, configuration: Record<string, unknown>, overwrite?: boolean): void;
  }
  export function containerBootstrap(settings?: Record<string, unknown>): Promise<NlpContainer>;
  export const LangEn: unknown;
  export class StemmerEn {
    tokenizeAndStem(text: string, keepStopwords?: boolean): string[];
  }
  export interface NlpResult {
    locale: string;
    intent: string;
    score: number;
    classifications: { intent: string; score: number }[];
  }
  export class Nlp {
    constructor(settings: Record<string, unknown>);
    container: NlpContainer;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<NlpResult>;
    export(minified?: boolean): string;
    import(data: string | object): void;
    nluManager: { process(locale: string, utterance: string): Promise<NlpResult> };
  }
}

// @nlpjs/lang-en-min (a dependency of @nlpjs/basic through @nlpjs/lang-en): NLP.js's English normalizer, tokenizer
// and stemmer without the rest of NLP.js, for running a compact model.
declare module '@nlpjs/lang-en-min' {
  export class NormalizerEn {
    normalize(text: string): string;
  }
  export class TokenizerEn {
    /** Contractions expanded, split on spaces and punctuation; no cache, no normalization. */
    innerTokenize(text: string): string[];
  }
  export class StemmerEn {
    /** Stems each token (empty stems dropped), remembering each word's stem in `cache`. */
    stem(tokens: string[]): string[];
    tokenizeAndStem(text: string, keepStopwords?: boolean): string[];
    cache: Record<string, string>;
  }
}
