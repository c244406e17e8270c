/**
 * restify loads spdy, which calls the deprecated process.binding('http_parser') once, at import (DEP0111); every
 * test file would print the warning twice. As in src/main.ts, it is silenced for that one import only.
 */
const node = process as NodeJS.Process & { noDeprecation?: boolean };
const before = node.noDeprecation;
node.noDeprecation = true;
try {
  await import('restify');
} finally {
  node.noDeprecation = before;
}
