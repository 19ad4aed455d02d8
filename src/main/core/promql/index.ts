// The PromQL engine's public surface: everything outside src/main/core/promql/ imports from here
// (test/architecture.test.ts keeps it so).
export { parsePromQL, parseDurationMs, typeOf } from './parse.ts';
export { PromQLError } from './promql-error.ts';
export { FUNCTIONS, type PromQLFunction } from './functions.ts';
export { instantQuery, rangeQuery, evaluateSteps } from './engine.ts';
export type { InstantResult, RangeResult, PromValue } from './engine.ts';
export { DEFAULT_LIMITS, type Queryable, type EngineLimits } from './context.ts';
export { formatValue } from './kernels.ts';
export { selectorsOf } from './ast.ts';
export type { Expr } from './ast.ts';
