// Prometheus remote write, both halves: runs bench/remote-write/receive.ts (a real Prometheus
// sending to Radiator, beside a Prometheus receiving the same), then bench/remote-write/send.ts
// when it is there (Radiator sending). Each exports `run(args)`; both get this command's arguments.
//
//   npm run bench:remote-write [-- --quick]

import { existsSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const dir = join(import.meta.dirname, 'remote-write');

for (const half of ['receive.ts', 'send.ts']) {
  const file = join(dir, half);
  if (!existsSync(file)) {
    process.stdout.write(`\n(${half} is not there: skipped)\n`);
    continue;
  }
  const mod = (await import(file)) as { run(args: string[]): Promise<void> };
  await mod.run(args);
}
