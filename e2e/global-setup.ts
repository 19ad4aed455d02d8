// The specs start `serve` from the bundle (out/cli/cli.js, what `npm run serve` runs): build it
// first when it is missing or older than the sources, so `npx playwright test` on its own never
// tests stale code (`npm test` builds before this suite anyway).
import { serveEntry } from '../bench/serve-entry.ts';

export default function globalSetup(): void {
  serveEntry();
}
