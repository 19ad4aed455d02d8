// The PromQL engine's public surface.
export { parsePromQL, PromQLError, parseDurationMs, FUNCTIONS, typeOf } from './parse.ts';
export { instantQuery, rangeQuery, evaluateSteps, DEFAULT_LIMITS } from './engine.ts';
export type { Queryable, EngineLimits, InstantResult, RangeResult } from './engine.ts';
export { selectorsOf } from './ast.ts';
export type { Expr } from './ast.ts';
