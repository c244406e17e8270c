/** Every test file loads restify without its one deprecation warning, as the service and the CLI do. */
import '../../src/http/quiet-restify.js';
