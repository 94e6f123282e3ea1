import { QueryTypes, type Sequelize } from 'sequelize';

export const CALL_PACE_TABLE = 'bytemark_call_pace';

/**
 * Calls are spaced for 95 % of the limit: a call leaves a few milliseconds after its slot (timer and
 * event-loop delay), so at exactly 1/limit two late calls could land in the same second as the next
 * twenty (measured: 21 in one second at a limit of 20). The 5 % absorbs that delay.
 */
const PACE_SHARE = 0.95;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  /** Released late once already: goes at its next slot, however late (no call waits forever). */
  retried: boolean;
}

/**
 * The global Bytemark rate limit, exact in every second and for every worker: before calls are sent,
 * one statement reserves their slots in `bytemark_call_pace` (the row holds when the next call may go,
 * on MySQL's clock; each reservation moves it on by 1/limit s per call), then each call waits for its
 * slot. The calls asked for in one turn of the event loop (a refresh's v1 and v4, other refreshes'
 * calls) share one reservation. Calls leave evenly spaced, so neither a per-second count nor a token
 * bucket on Bytemark's side sees more than the limit. Temporal's task-queue limiter paces the
 * refreshes; it lets a burst of a second's worth through, which this absorbs. It is the Bytemark
 * client's `limiter` in the worker.
 */
export class CallPacer {
  private readonly intervalUs: number;
  private waiting: Waiter[] = [];

  constructor(
    private readonly sequelize: Sequelize,
    callsPerSecond: number,
  ) {
    if (!(callsPerSecond > 0)) throw new RangeError(`callsPerSecond must be positive, got ${callsPerSecond}`);
    this.intervalUs = Math.ceil(1_000_000 / (callsPerSecond * PACE_SHARE));
  }

  acquire(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ resolve, reject, retried: false }));
  }

  private enqueue(waiter: Waiter): void {
    this.waiting.push(waiter);
    if (this.waiting.length === 1) setImmediate(() => void this.reserve());
  }

  /** Reserves a slot for every call asked for since the last reservation, and releases each at its slot. */
  private async reserve(): Promise<void> {
    const calls = this.waiting;
    this.waiting = [];
    const spanUs = calls.length * this.intervalUs;
    try {
      // LAST_INSERT_ID(expr) makes the statement report the row's new value as its insert id: the end
      // of these calls' slots. A first insert (empty table) reports 0: the slots start now.
      const [nextAtUs] = await this.sequelize.query(
        `INSERT INTO ${CALL_PACE_TABLE} (id, next_at_us) VALUES (1, FLOOR(UNIX_TIMESTAMP(NOW(6)) * 1000000) + ?)
         ON DUPLICATE KEY UPDATE next_at_us = LAST_INSERT_ID(GREATEST(next_at_us, FLOOR(UNIX_TIMESTAMP(NOW(6)) * 1000000)) + ?)`,
        { replacements: [spanUs, spanUs], type: QueryTypes.INSERT },
      );
      const firstSlotMs = Number(nextAtUs) > 0 ? (Number(nextAtUs) - spanUs) / 1000 : Date.now();
      const intervalMs = this.intervalUs / 1000;
      calls.forEach((call, i) => {
        const slotMs = firstSlotMs + i * intervalMs;
        // Released more than one interval after its slot (a blocked event loop, a slow reservation),
        // a call would land in the same second as the calls of the slots after it: it takes a new slot.
        const release = () => {
          if (!call.retried && Date.now() - slotMs > intervalMs) this.enqueue({ ...call, retried: true });
          else call.resolve();
        };
        const waitMs = slotMs - Date.now();
        if (waitMs > 0) setTimeout(release, waitMs);
        else release();
      });
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  }
}
