import { Context } from '@temporalio/activity';
import type { CallLane } from '@btc/data';
import { PRIORITY } from '@btc/workflows';

/** The pacer lane of a priority key: riders (1–2), the refresh-log queue (3, Temporal's default), sweeps (4–5). */
export function laneOfPriority(priorityKey: number | undefined): CallLane {
  const key = priorityKey ?? PRIORITY.queue;
  if (key < PRIORITY.queue) return 'rider';
  return key === PRIORITY.queue ? 'queue' : 'sweep';
}

/** The lane of the activity making the call (its Temporal priority); `queue` outside an activity (a script). */
export function laneOfCurrentActivity(): CallLane {
  try {
    return laneOfPriority(Context.current().info.priority?.priorityKey);
  } catch {
    return 'queue';
  }
}
