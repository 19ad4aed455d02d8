// The embedded store's public surface.
export { Store, SelectLimitError } from './store.ts';
export type { StoreOptions, RetentionOptions, AppendResult, ImportRefusal, SeriesSamples, RollupSamples, StoreStats } from './store.ts';
export { StoreDamagedError, inspectWal, type OpenReport, type WalInspection } from './integrity.ts';
export type { Series } from './series.ts';
export type { EventQuery } from './events.ts';
export { parseSelector, compileMatcher, matchesSeries } from './matchers.ts';
export { toUplotColumns, type UplotColumns } from './uplot.ts';
