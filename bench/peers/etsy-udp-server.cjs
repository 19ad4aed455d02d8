// Etsy statsd's own UDP server (servers/udp.js), plus the receive-buffer size every receiver in
// the benchmark gets, so the comparison is like for like.
const dgram = require('dgram');

exports.start = function (config, callback) {
  const server = dgram.createSocket({ type: 'udp4', recvBufferSize: config.recvBufferSize }, callback);
  server.bind(config.port, config.address || undefined);
  this.server = server;
  return true;
};
