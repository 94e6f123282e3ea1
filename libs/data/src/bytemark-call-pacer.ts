import { QueryTypes, type Sequelize } from 'sequelize';

export const CALL_PACE_TABLE = 'bytemark_call_pace';

/**
 * Calls are spaced for 95 % of the limit: a call leaves a few milliseconds after its slot (timer and
 * event-loop delay), so at exactly 1/limit two late calls could land in the same second as the next
 * twenty (measured: 21 in one second at a limit of 20). The 5 % absorbs that delay.
 */
const PACE_SHARE = 0.95;

/**
 * The global Bytemark rate limit, exact in every second and for every worker: before each call, one
 * statement reserves the call's slot in `bytemark_call_pace` (the row holds when the next call may go,
 * on MySQL's clock; each reservation moves it on by 1/limit s), then the call waits for its slot. Calls
 * leave evenly spaced, so neither a per-second count nor a token bucket on Bytemark's side sees more
 * than the limit. Temporal's task-queue limiter paces the refreshes; it lets a burst of a second's
 * worth through, which this absorbs. It is the Bytemark client's `limiter` in the worker.
 */
export class CallPacer {
  private readonly intervalUs: number;

  constructor(
    private readonly sequelize: Sequelize,
    callsPerSecond: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(callsPerSecond > 0)) throw new RangeError(`callsPerSecond must be positive, got ${callsPerSecond}`);
    this.intervalUs = Math.ceil(1_000_000 / (callsPerSecond * PACE_SHARE));
  }

  async acquire(): Promise<void> {
    // LAST_INSERT_ID(expr) makes the statement report the row's new value as its insert id: the end of
    // this call's slot. A first insert (empty table) reports 0: the slot is now.
    const [nextAtUs] = await this.sequelize.query(
      `INSERT INTO ${CALL_PACE_TABLE} (id, next_at_us) VALUES (1, FLOOR(UNIX_TIMESTAMP(NOW(6)) * 1000000) + ?)
       ON DUPLICATE KEY UPDATE next_at_us = LAST_INSERT_ID(GREATEST(next_at_us, FLOOR(UNIX_TIMESTAMP(NOW(6)) * 1000000)) + ?)`,
      { replacements: [this.intervalUs, this.intervalUs], type: QueryTypes.INSERT },
    );
    const slotStartMs = (Number(nextAtUs) - this.intervalUs) / 1000;
    const waitMs = Number(nextAtUs) > 0 ? slotStartMs - Date.now() : 0;
    if (waitMs > 0) await this.sleep(waitMs);
  }
}
