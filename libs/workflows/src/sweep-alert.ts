import { describeDigest } from './failure-digest';
import { RATE_LIMIT_CLI_COMMAND } from './ids';
import type { SweepProgress } from './types';

/** `failed-auth` outcomes that make an alert: at least this many, and at least this share of the users refreshed. */
const FAILED_AUTH_ALERT = { count: 5, share: 0.02 };

/**
 * The sweep's one alert, or null: failures of a type the failure map alerts on (a key that cannot
 * decrypt, a 403 from Bytemark, ...), `alertOnFailures` failures or more, a spike of `failed-auth`
 * outcomes, or users left over when the window closed (with the numbers: due, refreshed, left, and
 * the rate limit that would cover them). Failures are grouped by type with counts and a few ids.
 */
export function sweepAlert(
  p: SweepProgress,
  o: { trigger: string; alertOnFailures: number; workflowId: string },
): string | null {
  const refreshed = Object.values(p.refreshed).reduce((a, b) => a + (b ?? 0), 0);
  const failedAuth = p.refreshed['failed-auth'] ?? 0;
  const authSpike = failedAuth >= Math.max(FAILED_AUTH_ALERT.count, FAILED_AUTH_ALERT.share * refreshed);
  const alerting = Object.values(p.failures.byType).some((f) => f.alert);
  const overloaded = (p.leftOver ?? 0) > 0 && p.stoppedBy !== 'paused';
  if (!alerting && p.failed < o.alertOnFailures && !authSpike && !overloaded) return null;
  const lines = [
    `Bytemark ticket cache sweep (${o.trigger}), workflow ${o.workflowId}: ${p.usersSeen} token users, ${p.due} due.`,
  ];
  if (p.failed > 0) lines.push(`${p.failed} failed after their retries: ${describeDigest(p.failures)}.`);
  if (authSpike || failedAuth > 0) {
    const steps = Object.entries(p.authBackoff)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([step, n]) => `${n} at ${step} failed login${step === '1' ? '' : 's'} in a row`)
      .join(', ');
    lines.push(
      `${failedAuth} of ${refreshed} refreshes ended failed-auth (Bytemark refused the users' credentials; each backs off, doubling up to a day)${steps ? `: ${steps}` : ''}.`,
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
