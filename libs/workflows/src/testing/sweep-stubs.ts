import type { SweepActivities } from '../activity-contracts';
import type { SweepCursor, SweepStart } from '../types';

type SweepStubs = Pick<SweepActivities, 'beginSweep' | 'listSweepPage' | 'finishSweep'>;

/**
 * The sweep's database side as stubs over a list of due users (oldest first, as `listSweepPage`
 * pages them), recording every call.
 */
export function dueUsers(
  userIds: number[],
  answers: { start?: Partial<SweepStart>; leftOver?: number; neededRateLimitRps?: number } = {},
) {
  const due = userIds.map((userId, i) => ({ userId, dueAt: 1000 + i }));
  const calls = {
    begin: [] as Array<Parameters<SweepStubs['beginSweep']>[0]>,
    pages: [] as Array<Parameters<SweepStubs['listSweepPage']>[0]>,
    finish: [] as Array<Parameters<SweepStubs['finishSweep']>[0]>,
  };
  const after = (cursor: SweepCursor | null) =>
    cursor === null
      ? due
      : due.filter((u) => u.dueAt > cursor.dueAt || (u.dueAt === cursor.dueAt && u.userId > cursor.userId));
  const activities: SweepStubs = {
    async beginSweep(input) {
      calls.begin.push(input);
      return { tokenUsers: userIds.length + 3, due: userIds.length, rateLimitRps: 40, paused: null, ...answers.start };
    },
    async listSweepPage(input) {
      calls.pages.push(input);
      const page = after(input.cursor).slice(0, input.limit);
      const last = page.at(-1);
      const more = last !== undefined && after(last).length > 0;
      return { userIds: page.map((u) => u.userId), nextCursor: more ? last : null };
    },
    async finishSweep(input) {
      calls.finish.push(input);
      return { leftOver: answers.leftOver ?? 0, neededRateLimitRps: answers.neededRateLimitRps ?? null };
    },
  };
  return { activities, calls };
}
