/** Worker thread: trains a classifier on the corpus it is given and posts the model back. */
import { parentPort, workerData } from 'node:worker_threads';
import { IntentClassifier } from './classifier.js';
import type { Corpus } from './corpus.js';

const classifier = await IntentClassifier.train((workerData as { corpus: Corpus }).corpus);
parentPort!.postMessage(classifier.toModel());
