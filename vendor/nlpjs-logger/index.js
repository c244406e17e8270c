'use strict';
// The same shape as @nlpjs/logger's logger, doing nothing: NLP.js must never write to stdout (the CLI writes JSON
// lines there) and the service replaces it in NLP.js's container at once.
const quiet = () => undefined;
module.exports = {
  logger: { name: 'logger', debug: quiet, info: quiet, warn: quiet, error: quiet, log: quiet, trace: quiet, fatal: quiet },
};
