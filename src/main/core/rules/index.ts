export { RecordingRules, RULES_RECEIVER, recordedSamples, type GroupStatus, type RuleStatus } from './recording-rules.ts';
export { checkGroups, loadRecordingRules, parseRuleFile, type CheckedRule, type LoadedGroup } from './rule-files.ts';
export { alertRuleId, alertRulesOf, severityOf, withAlerting } from './alerting-rules.ts';
