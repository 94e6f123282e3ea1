import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const PROMETHEUS_DIR = join(__dirname, '..', 'prometheus');
/** The shipped alert rules, e.g. for `startPrometheusServer({ ruleFiles: [ALERT_RULES_FILE] })`. */
export const ALERT_RULES_FILE = join(PROMETHEUS_DIR, 'ticket-cache.rules.yml');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The alerting rules of the shipped rules file, in file order. */
export function alertRules(file: string = ALERT_RULES_FILE): AlertRule[] {
  const doc = parse(readFileSync(file, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return doc.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
}
