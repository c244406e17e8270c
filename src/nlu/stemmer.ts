/**
 * NLP.js's English stemmer, with a memory that is bounded: it remembers every word it has stemmed, and the service
 * sees unbounded text, so it forgets now and then (the memory only saves time; the stems are the same).
 */
import { StemmerEn } from '@nlpjs/lang-en-min';

const REMEMBER_AT_MOST = 100_000;

export class ForgetfulStemmerEn {
  private readonly stemmer = new StemmerEn();
  private stemmed = 0;

  stem(tokens: string[]): string[] {
    return this.counted(this.stemmer.stem(tokens));
  }

  tokenizeAndStem(text: string, keepStopwords?: boolean): string[] {
    return this.counted(this.stemmer.tokenizeAndStem(text, keepStopwords));
  }

  private counted(stems: string[]): string[] {
    if ((this.stemmed += stems.length) > REMEMBER_AT_MOST) {
      this.stemmed = 0;
      this.stemmer.cache = {};
    }
    return stems;
  }
}
