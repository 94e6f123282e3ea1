import { formatReport } from './report';
import { NOT_REACHED, type CampaignResult, type PhaseReport } from './campaign-result';
import { runCampaign } from './run-campaign';

/**
 * The small campaign `npm test` runs (`npm run chaos -- --small`): 100 users, Bytemark faults for a
 * few percent of them, one worker SIGKILL, one FerretDB restart, MariaDB connection kills.
 */
describe('npm run chaos -- --small', () => {
  let result: CampaignResult;
  let chaos: PhaseReport;
  let followUp: PhaseReport;

  beforeAll(async () => {
    result = await runCampaign({ small: true }, () => undefined);
    console.log(formatReport(result));
    [chaos, followUp] = result.phases as [PhaseReport, PhaseReport];
  }, 360_000);

  it('kills the worker and restarts FerretDB during the sweep, and both sweeps complete', () => {
    const fired = (kind: string) => result.faults.events.filter((e) => e.kind === kind && e.firedAt !== null);
    expect(fired('worker-kill')).toHaveLength(1);
    expect(fired('ferretdb-restart')).toHaveLength(1);
    expect(result.faults.workerStarts).toBe(2);
    expect(result.faults.events.filter((e) => e.detail.startsWith('failed'))).toEqual([]);
    expect(chaos.sweep.error).toBeNull();
    expect(followUp.sweep.error).toBeNull();
  });

  it('writes no audit entry and no free-ticket row twice, and none the clean run would not', () => {
    for (const phase of [chaos, followUp]) {
      expect(phase.audit.duplicated).toEqual([]);
      expect(phase.audit.unexpected).toEqual([]);
      expect(phase.freeTickets.duplicated).toEqual([]);
      expect(phase.freeTickets.unexpected).toEqual([]);
    }
  });

  it('misses only the changes of users whose refresh failed, and they show no partial effect', () => {
    expect(chaos.audit.missing.length).toBe(chaos.auditMissingOfFailedUsers);
    expect(chaos.freeTickets.missing.length).toBe(chaos.freeTicketsMissingOfFailedUsers);
    expect(chaos.failedUsers.partial).toEqual([]);
  });

  it('after a follow-up sweep without faults, nothing is missing and every change was pushed once', () => {
    expect(followUp.audit.missing).toEqual([]);
    expect(followUp.freeTickets.missing).toEqual([]);
    expect(followUp.pendingEffects).toBe(0);
    expect(followUp.pushes.usersWithoutPush).toEqual([]);
    expect(followUp.pushes.usersPushedTwice).toEqual([]);
  });

  it('leaves no workflow open and no staging behind, and every user in a defined outcome', () => {
    for (const phase of [chaos, followUp]) {
      expect(phase.openWorkflows).toEqual([]);
      expect(phase.staging).toBe(0);
      expect(phase.outcomes[NOT_REACHED] ?? 0).toBe(0);
    }
  });
});
