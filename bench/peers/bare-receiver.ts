// The floor any StatsD receiver in Node can be measured against: a dgram socket that only splits
// each datagram into lines and counts them. Prints the running count every 100 ms.
//   node bench/peers/bare-receiver.ts <port> <receive buffer bytes>
import dgram from 'node:dgram';

const port = Number(process.argv[2]);
const recvBufferSize = Number(process.argv[3]);
let lines = 0;
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize });
socket.on('message', (msg) => {
  lines += msg.toString().split('\n').length;
});
socket.bind(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${socket.getRecvBufferSize()}\n`);
  setInterval(() => process.stdout.write(`count ${lines}\n`), 100);
});
