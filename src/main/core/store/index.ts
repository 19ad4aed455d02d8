// The embedded store's public surface: everything outside src/main/core/store/ imports from
// here (test/architecture.test.ts keeps it so).
export { Store, type StoreStats } from './store.ts';
export type { StoreOptions, RetentionOptions } from './options.ts';
export type { AppendResult, ImportRefusal } from './head.ts';
export type { SeriesSamples } from './querier.ts';
export type { RollupSamples } from './rollups.ts';
export { SelectLimitError, StoreDiskFullError, StoreWriteError } from './errors.ts';
export { StoreDamagedError, inspectWal, type OpenReport, type WalInspection } from './integrity.ts';
export { Series } from './series.ts';
export { SeriesIndex } from './series-index.ts';
export type { SampleBatch } from './wal-codec.ts';
export type { EventQuery } from './events.ts';
export { parseSelector, compileMatcher, matchesSeries, type CompiledMatcher } from './matchers.ts';
export { compileRegex, type LabelRegex } from './regex.ts';
export { toUplotColumns, type UplotColumns } from './uplot.ts';
