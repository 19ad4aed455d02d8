// `radiator serve` as a bundle (out/cli/cli.js), which `npm run serve` runs: the sources run
// through Node's TypeScript stripper, and every module's text stays in V8's heap, about 40 MB of
// RSS at idle that a user's collector does not need. A build of its own, not a third entry of
// electron-vite's main build: that would move the core shared by both into a chunk, and the
// packaged app keeps out/main/chunks outside its asar archive, away from its node_modules.
// `npm run build` runs it after electron-vite's.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  logLevel: 'warn',
  build: {
    // A Node bundle: dependencies and Node's modules stay imports.
    ssr: true,
    outDir: 'out/cli',
    emptyOutDir: true,
    target: 'node24',
    rollupOptions: {
      // The StatsD thread is its own entry: the core starts it from statsd-worker.js beside cli.js.
      input: { cli: resolve('src/main/cli.ts'), 'statsd-worker': resolve('src/main/core/collector/statsd-worker.ts') },
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
