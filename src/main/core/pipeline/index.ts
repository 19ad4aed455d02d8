// The pipeline-and-experiment feature's pure statistics: A/B experiment analysis, DORA's four
// keys and the on-call rotation. No I/O, timers or state; callers pass data and the time.
export {
  analyseExperiment,
  SRM_THRESHOLD,
  wilsonInterval,
  twoProportionZTest,
  relativeLift,
  msprt,
  probabilityBBeatsA,
  sampleRatioMismatch,
  sampleSizePerGroup,
  powerTwoProportions,
} from './experiment-stats.ts';
export type {
  VariantCounts,
  ExperimentConfig,
  VariantResult,
  ExperimentAnalysis,
  ExperimentVerdict,
} from './experiment-stats.ts';
export {
  computeDora,
  frequencyBucket,
  durationBucket,
  failureRateBucket,
  leadTimeBand,
  timeToRestoreBand,
  failureRateBand,
} from './dora.ts';
export type {
  Change,
  Deployment,
  Incident,
  DoraInput,
  DoraResult,
  Band,
  FrequencyBucket,
  DurationBucket,
  FailureRateBucket,
  FrequencyMedians,
} from './dora.ts';
export { whoIsOnCall } from './oncall.ts';
export type { Rotation, Override, OnCall, Weekday } from './oncall.ts';
