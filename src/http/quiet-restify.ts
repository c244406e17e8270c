/**
 * restify 11 loads spdy, which calls Node's deprecated process.binding('http_parser') at import (DEP0111) and so
 * printed a deprecation warning at every start. Nothing of ours or of restify's calls it later: importing this
 * module first loads restify with the warning silenced for that one load, and every other deprecation still prints.
 */
import { createRequire } from 'node:module';

const node = process as NodeJS.Process & { noDeprecation?: boolean };
const before = node.noDeprecation;
node.noDeprecation = true;
try {
  createRequire(import.meta.url)('restify');
} finally {
  node.noDeprecation = before;
}
