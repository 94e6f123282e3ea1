import { NOT_REACHED, type CampaignResult } from './campaign-result';
import type { InfraKind } from './fault-plan';
import type { ChaosOptions } from './options';

/** Every target the campaign checks, as one line per miss. */
export function findProblems(result: CampaignResult, options: ChaosOptions): string[] {
  const problems: string[] = [];
  const [chaos, follow] = result.phases;
  for (const phase of result.phases) {
    const at = `${phase.name}:`;
    if (phase.sweep.error) problems.push(`${at} sweep did not complete (${phase.sweep.error})`);
    if (phase.audit.duplicated.length > 0)
      problems.push(`${at} ${phase.audit.duplicated.length} duplicated audit entries`);
    if (phase.audit.unexpected.length > 0)
      problems.push(`${at} ${phase.audit.unexpected.length} unexpected audit entries`);
    if (phase.freeTickets.duplicated.length > 0)
      problems.push(`${at} ${phase.freeTickets.duplicated.length} duplicated free-ticket rows`);
    if (phase.freeTickets.unexpected.length > 0)
      problems.push(`${at} ${phase.freeTickets.unexpected.length} unexpected free-ticket rows`);
    if (phase.openWorkflows.length > 0) problems.push(`${at} ${phase.openWorkflows.length} workflows still open`);
    if (phase.failedUsers.partial.length > 0)
      problems.push(`${at} failed users with partial effects: ${phase.failedUsers.partial.join(', ')}`);
    if ((phase.outcomes[NOT_REACHED] ?? 0) > 0)
      problems.push(`${at} ${phase.outcomes[NOT_REACHED]} users in no defined outcome`);
    if (phase.pushes.usersPushedTwice.length > 0)
      problems.push(`${at} users pushed twice: ${phase.pushes.usersPushedTwice.join(', ')}`);
    if (phase.staging > 0) problems.push(`${at} ${phase.staging} staging documents left after cleanup`);
  }
  if (chaos) {
    const failed = new Set(chaos.failedUsers.userIds);
    const otherCaches = chaos.cacheMismatches.filter((id) => !failed.has(id));
    if (otherCaches.length > 0)
      problems.push(
        `chaos sweep: caches differ from the clean run for users not failed: ${otherCaches.slice(0, 10).join(', ')}`,
      );
    const missingOfOthers = chaos.audit.missing.length - chaos.auditMissingOfFailedUsers;
    if (missingOfOthers > 0)
      problems.push(`chaos sweep: ${missingOfOthers} audit entries missing for users not failed`);
    const freeMissingOfOthers = chaos.freeTickets.missing.length - chaos.freeTicketsMissingOfFailedUsers;
    if (freeMissingOfOthers > 0)
      problems.push(`chaos sweep: ${freeMissingOfOthers} free-ticket rows missing for users not failed`);
  }
  if (follow) {
    if (follow.audit.missing.length > 0)
      problems.push(`follow-up: ${follow.audit.missing.length} audit entries missing`);
    if (follow.freeTickets.missing.length > 0)
      problems.push(`follow-up: ${follow.freeTickets.missing.length} free-ticket rows missing`);
    if ((follow.outcomes['failed'] ?? 0) > 0)
      problems.push(`follow-up: ${follow.outcomes['failed']} users still failed`);
    if (follow.outcomeMismatches.length > 0)
      problems.push(
        `follow-up: outcome differs from the clean run for users ${follow.outcomeMismatches.slice(0, 10).join(', ')}`,
      );
    if (follow.cacheMismatches.length > 0)
      problems.push(
        `follow-up: caches differ from the clean run for users ${follow.cacheMismatches.slice(0, 10).join(', ')}`,
      );
    if (follow.pendingEffects > 0)
      problems.push(`follow-up: ${follow.pendingEffects} caches still hold pending effects`);
    if (follow.pushes.usersWithoutPush.length > 0)
      problems.push(`follow-up: ${follow.pushes.usersWithoutPush.length} users with a free ticket never pushed`);
  }
  const fired = (kind: InfraKind) => result.faults.events.filter((e) => e.kind === kind && e.firedAt !== null).length;
  if (fired('worker-kill') < options.workerKills)
    problems.push(`only ${fired('worker-kill')} of ${options.workerKills} worker kills fired`);
  if (fired('ferretdb-restart') < options.ferretRestarts)
    problems.push(`only ${fired('ferretdb-restart')} of ${options.ferretRestarts} FerretDB restarts fired`);
  for (const e of result.faults.events) if (e.detail.startsWith('failed')) problems.push(`${e.kind} ${e.detail}`);
  return problems;
}
