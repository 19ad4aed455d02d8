// An Etsy statsd backend that prints how many metrics the daemon has received so far, after each
// flush (the daemon counts them in statsd.metrics_received and resets it every flush).
let total = 0;
exports.init = function (startupTime, config, events) {
  events.on('flush', (ts, metrics) => {
    total += metrics.counters['statsd.metrics_received'] || 0;
    process.stdout.write(`count ${total}\n`);
  });
  return true;
};
