// Start `radiator serve` for a spec, on a port the spec can restart it on. It runs the bundle
// (out/cli/cli.js) that `npm run serve` runs: the suite runs after the build.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type Served } from '../test/helpers/serve.ts';

export { freePort } from '../test/helpers/prometheus.ts';

export const dataDir = () => mkdtempSync(join(tmpdir(), 'radiator-e2e-'));

export async function startServe(opts: { port: number; dir: string; demo?: boolean; extra?: string[] }): Promise<Served> {
  return serve([
    '--data-dir', opts.dir,
    '--http-port', String(opts.port),
    '--statsd-port', '0',
    '--statsd-tcp-port', 'off',
    '--push-port', '0',
    '--otlp-port', '0',
    ...(opts.demo ? ['--demo', '--demo-history', '30m'] : []),
    ...(opts.extra ?? []),
  ], { bundle: true });
}

export async function stop(s: Served): Promise<void> {
  s.proc.kill('SIGTERM');
  await s.exited;
}
