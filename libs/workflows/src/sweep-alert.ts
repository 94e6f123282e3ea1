import { describeDigest } from './failure-digest';
import { RATE_LIMIT_CLI_COMMAND } from './ids';
import type { SweepProgress } from './types';

/**
 * The sweep's one alert, or null: failures of a type the failure map alerts on (a key that cannot
 * decrypt, a 403 from Bytemark, ...), `alertOnFailures` failures or more, any `failed-auth` outcome
 * (a dead account is tried only once per back-off step, so it is reported once per step, by step and
 * with a few ids), or users left over when the window closed (with the numbers: due, refreshed,
 * left, and the rate limit that would cover them). Failures are grouped by type with counts and a few ids.
 */
export function sweepAlert(
  p: SweepProgress,
  o: { trigger: string; alertOnFailures: number; workflowId: string },
): string | null {
  const refreshed = Object.values(p.refreshed).reduce((a, b) => a + (b ?? 0), 0);
  const failedAuth = p.refreshed['failed-auth'] ?? 0;
  const alerting = Object.values(p.failures.byType).some((f) => f.alert);
  const overloaded = (p.leftOver ?? 0) > 0 && p.stoppedBy !== 'paused';
  if (!alerting && p.failed < o.alertOnFailures && failedAuth === 0 && !overloaded) return null;
  const lines = [
    `Bytemark ticket cache sweep (${o.trigger}), workflow ${o.workflowId}: ${p.usersSeen} token users, ${p.due} due.`,
  ];
  if (p.failed > 0) lines.push(`${p.failed} failed after their retries: ${describeDigest(p.failures)}.`);
  if (failedAuth > 0) {
    const steps = Object.entries(p.authBackoff)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([step, n]) => `${n} at ${step} failed login${step === '1' ? '' : 's'} in a row`)
      .join(', ');
    const ids = p.authFailedUserIds ?? [];
    const users = ids.length > 0 ? ` (users ${ids.join(', ')}${failedAuth > ids.length ? ', …' : ''})` : '';
    lines.push(
      `${failedAuth} of ${refreshed} refreshes ended failed-auth (Bytemark refused the users' credentials; each backs off, doubling up to a day)${steps ? `: ${steps}` : ''}${users}.`,
    );
  }
  if (overloaded) {
    lines.push(
      `Over capacity: ${refreshed} refreshed, ${p.notReached} not reached, ${p.leftOver} still due when the window closed ` +
        `(the oldest go first next hour). At ${p.rateLimitRps} calls/s one sweep cannot refresh ${p.due} users; ` +
        `about ${p.neededRateLimitRps} calls/s would (\`${RATE_LIMIT_CLI_COMMAND} <calls/s>\` if Bytemark allows).`,
    );
  }
  return lines.join(' ');
}
