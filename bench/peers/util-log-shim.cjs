// Etsy statsd 0.9 logs with util.log, which Node 23 removed. Put a stand-in back (same output
// shape) so the daemon runs on the same Node as the other receivers in the benchmark.
const util = require('util');
if (typeof util.log !== 'function') {
  util.log = (...args) => process.stdout.write(`${new Date().toUTCString()} - ${util.format(...args)}\n`);
}
