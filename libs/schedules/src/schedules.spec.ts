import { ScheduleOverlapPolicy } from '@temporalio/client';
import { HOURLY_SCHEDULE_ID, REFRESH_QUEUE_SCHEDULE_ID } from '@btc/workflows';
import { processRefreshLogQueueWorkflow, refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import { allSchedules, hourlyScheduleOptions, refreshQueueScheduleOptions } from './schedules';

const settings = { taskQueue: 'q', maxInFlight: 12 };

describe('schedule definitions', () => {
  it('runs the sweep every hour on the hour in if-stale mode, skipping overlaps, with a 10-minute catch-up window', () => {
    const options = hourlyScheduleOptions(settings);
    expect(options.scheduleId).toBe(HOURLY_SCHEDULE_ID);
    expect(options.spec.calendars).toEqual([expect.objectContaining({ minute: 0, hour: { start: 0, end: 23 } })]);
    expect(options.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' });
    expect(options.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: refreshAllTicketCachesWorkflow,
      taskQueue: 'q',
      args: [{ mode: 'if-stale', trigger: 'hourly', select: 'stale', maxInFlight: 12 }],
    });
  });

  it('processes the refresh-log queue every five minutes', () => {
    const options = refreshQueueScheduleOptions(settings);
    expect(options.scheduleId).toBe(REFRESH_QUEUE_SCHEDULE_ID);
    expect(options.spec.intervals).toEqual([{ every: '5 minutes' }]);
    expect(options.action).toMatchObject({ workflowType: processRefreshLogQueueWorkflow });
  });

  it('gives test and benchmark schedules their own ids and workflow ids', () => {
    const ids = allSchedules({ ...settings, scheduleIdSuffix: '-bench' }).map((o) => [
      o.scheduleId,
      (o.action as { workflowId: string }).workflowId,
    ]);
    for (const [scheduleId, workflowId] of ids) {
      expect(scheduleId).toMatch(/-bench$/);
      expect(workflowId).toMatch(/-bench$/);
    }
  });
});
