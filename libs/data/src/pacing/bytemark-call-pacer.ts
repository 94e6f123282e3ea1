import { performance } from 'node:perf_hooks';
import { QueryTypes, type Sequelize } from 'sequelize';

export const CALL_PACE_TABLE = 'bytemark_call_pace';

/**
 * Calls are spaced for 95 % of the limit: a call leaves a few milliseconds after its slot (timer and
 * event-loop delay), so at exactly 1/limit two late calls could land in the same second as the next
 * twenty (measured: 21 in one second at a limit of 20). The 5 % absorbs that delay.
 */
export const PACE_SHARE = 0.95;

/**
 * Who a call is for, in the order calls are served: a rider waiting in the app, a row of the
 * refresh-log queue, the sweep. Taken from the calling activity's Temporal priority.
 */
export type CallLane = 'rider' | 'queue' | 'sweep';

/**
 * How far ahead of now the shared schedule may already run for a lane to take a slot: riders always
 * take the next one; queue and sweep calls wait (here, not in MySQL) while the schedule is booked
 * further ahead than this, so a rider's call never lands behind more than this of other calls.
 */
export const LANE_HORIZON_MS: Record<CallLane, number> = { rider: Number.POSITIVE_INFINITY, queue: 100, sweep: 50 };
const LANES: CallLane[] = ['rider', 'queue', 'sweep'];

/** How often the operator's settings (`rate_limit_rps`, set live by the CLI) are read again. */
const CONTROL_REFRESH_MS = 5_000;

interface Waiter {
  lane: CallLane;
  askedAt: number;
  resolve(): void;
  reject(error: unknown): void;
  /** Released late once already: goes at its next slot, however late (no call waits forever). */
  retried: boolean;
}

/** What the pacer reports per call, for the worker's metrics: the lane and how long it waited for its slot. */
export type PaceObserver = (p: { lane: CallLane; waitMs: number }) => void;

/**
 * The global Bytemark rate limit, exact in every second and for every worker: before calls are sent,
 * one statement reserves their slots in `bytemark_call_pace` (the row holds when the next call may go;
 * each reservation moves it on by 1/limit s per call), then each call waits for its slot. Calls leave
 * evenly spaced, so neither a per-second count nor a token bucket on Bytemark's side sees more than
 * the limit. The schedule lives on one clock, MySQL's: the statement reads it and reports where the
 * reservation ends relative to it, so this process places its slots as offsets from when the answer
 * arrived, on this process's monotonic clock (`performance.now`), and never compares its own time with
 * MySQL's. A wall clock that is off, or stepped by NTP while calls wait, changes nothing.
 *
 * Lanes keep riders first (`LANE_HORIZON_MS`). The limit is the configured one unless an operator set
 * another (`rate_limit_rps` in the same row, `npm run cli -- bytemark rate-limit`), read every few
 * seconds by every worker. It is the Bytemark client's `limiter` in the worker.
 */
export class CallPacer {
  private readonly waiting: Record<CallLane, Waiter[]> = { rider: [], queue: [], sweep: [] };
  private scheduled = false;
  private intervalUs: number;
  private limitRps: number;
  private controlReadAt = Number.NEGATIVE_INFINITY;
  /** The shared schedule's end after our last reservation, as ms on this clock. */
  private bookedUntilMs = Number.NEGATIVE_INFINITY;

  /** Milliseconds on a clock that only moves forward at the rate of real time (the wall clock may be stepped). */
  private readonly now = () => performance.now();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly configuredRps: number,
    private readonly observe: PaceObserver = () => undefined,
  ) {
    if (!(configuredRps > 0)) throw new RangeError(`callsPerSecond must be positive, got ${configuredRps}`);
    this.limitRps = configuredRps;
    this.intervalUs = intervalFor(configuredRps);
  }

  /** The limit in force, in calls per second (the operator's, or the configured one). */
  get callsPerSecond(): number {
    return this.limitRps;
  }

  acquire(lane: CallLane = 'queue'): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.enqueue({ lane, askedAt: this.now(), resolve, reject, retried: false }),
    );
  }

  private enqueue(waiter: Waiter): void {
    this.waiting[waiter.lane].push(waiter);
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.reserve();
    };
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  /**
   * Reserves slots for the calls that may go now: every rider call, then queue and sweep calls while
   * the schedule is booked less than their horizon ahead (never more than a horizon's worth at once).
   */
  private async reserve(): Promise<void> {
    await this.refreshControl();
    const calls: Waiter[] = [];
    let aheadMs = Math.max(0, this.bookedUntilMs - this.now());
    const intervalMs = this.intervalUs / 1000;
    for (const lane of LANES) {
      const queue = this.waiting[lane];
      while (queue.length > 0 && aheadMs <= LANE_HORIZON_MS[lane]) {
        calls.push(queue.shift()!);
        aheadMs += intervalMs;
      }
    }
    const waitingLanes = LANES.filter((lane) => this.waiting[lane].length > 0);
    if (calls.length === 0) {
      // Only lower lanes wait, and the schedule is booked beyond their horizon: look again when it is not.
      const horizon = Math.max(...waitingLanes.map((lane) => LANE_HORIZON_MS[lane]));
      if (waitingLanes.length > 0) this.schedule(Math.max(1, this.bookedUntilMs - this.now() - horizon));
      return;
    }
    const spanUs = calls.length * this.intervalUs;
    try {
      // LAST_INSERT_ID(expr) makes the statement report the reservation's end relative to MySQL's now
      // (the value it stores is that plus now). A first insert (empty table) reports 0: the slots start now.
      const [endInUs] = await this.sequelize.query(
        `INSERT INTO ${CALL_PACE_TABLE} (id, next_at_us) VALUES (1, FLOOR(UNIX_TIMESTAMP(NOW(6)) * 1000000) + ?)
         ON DUPLICATE KEY UPDATE next_at_us = LAST_INSERT_ID(
           GREATEST(next_at_us, FLOOR(UNIX_TIMESTAMP(NOW(6)) * 1000000)) + ? - FLOOR(UNIX_TIMESTAMP(NOW(6)) * 1000000)
         ) + FLOOR(UNIX_TIMESTAMP(NOW(6)) * 1000000)`,
        { replacements: [spanUs, spanUs], type: QueryTypes.INSERT },
      );
      const receivedAt = this.now();
      const endMs = receivedAt + (Number(endInUs) > 0 ? Number(endInUs) / 1000 : spanUs / 1000);
      this.bookedUntilMs = endMs;
      const firstSlotMs = endMs - spanUs / 1000;
      calls.forEach((call, i) => {
        const slotMs = firstSlotMs + i * intervalMs;
        // Released more than one interval after its slot (a blocked event loop, a slow reservation),
        // a call would land in the same second as the calls of the slots after it: it takes a new slot.
        const release = () => {
          if (!call.retried && this.now() - slotMs > intervalMs) {
            this.enqueue({ ...call, retried: true });
            return;
          }
          this.observe({ lane: call.lane, waitMs: this.now() - call.askedAt });
          call.resolve();
        };
        const waitMs = slotMs - this.now();
        if (waitMs > 0) setTimeout(release, waitMs);
        else release();
      });
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
    if (waitingLanes.length > 0) this.schedule(0);
  }

  /** Reads the operator's limit when the last read is older than a few seconds; keeps the old one if MySQL fails. */
  private async refreshControl(): Promise<void> {
    if (this.now() - this.controlReadAt < CONTROL_REFRESH_MS) return;
    this.controlReadAt = this.now();
    const [row] = await this.sequelize
      .query<{ rate_limit_rps: string | number | null }>(`SELECT rate_limit_rps FROM ${CALL_PACE_TABLE} WHERE id = 1`, {
        type: QueryTypes.SELECT,
      })
      .catch(() => [] as Array<{ rate_limit_rps: null }>);
    const override = Number(row?.rate_limit_rps);
    this.limitRps = override > 0 ? override : this.configuredRps;
    this.intervalUs = intervalFor(this.limitRps);
  }
}

function intervalFor(callsPerSecond: number): number {
  return Math.ceil(1_000_000 / (callsPerSecond * PACE_SHARE));
}

/** The operator's live controls in `bytemark_call_pace` (set by the CLI, read by every worker). */
export interface PaceControls {
  /** The operator's limit; null: the configured `BYTEMARK_RATE_LIMIT_RPS`. */
  rateLimitRps: number | null;
  paused: { at: number; reason: string } | null;
}

export async function readPaceControls(sequelize: Sequelize): Promise<PaceControls> {
  const [row] = await sequelize.query<{
    rate_limit_rps: string | number | null;
    paused_at: number | null;
    paused_reason: string | null;
  }>(`SELECT rate_limit_rps, paused_at, paused_reason FROM ${CALL_PACE_TABLE} WHERE id = 1`, {
    type: QueryTypes.SELECT,
  });
  return {
    rateLimitRps: row?.rate_limit_rps == null ? null : Number(row.rate_limit_rps),
    paused: row?.paused_at != null ? { at: Number(row.paused_at), reason: row.paused_reason ?? '' } : null,
  };
}

/** Sets the operator's limit (null: back to the configured one) and/or the pause; the row is created if missing. */
export async function writePaceControls(
  sequelize: Sequelize,
  p: { rateLimitRps?: number | null; paused?: { at: number; reason: string } | null },
): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [];
  if (p.rateLimitRps !== undefined) {
    if (p.rateLimitRps !== null && !(p.rateLimitRps > 0 && p.rateLimitRps < 10_000_000)) {
      throw new RangeError(`the rate limit must be a positive number of calls per second, got ${p.rateLimitRps}`);
    }
    sets.push('rate_limit_rps = ?');
    values.push(p.rateLimitRps);
  }
  if (p.paused !== undefined) {
    sets.push('paused_at = ?', 'paused_reason = ?');
    values.push(p.paused?.at ?? null, p.paused ? p.paused.reason.slice(0, 255) : null);
  }
  if (sets.length === 0) return;
  await sequelize.query(`INSERT IGNORE INTO ${CALL_PACE_TABLE} (id, next_at_us) VALUES (1, 0)`);
  await sequelize.query(`UPDATE ${CALL_PACE_TABLE} SET ${sets.join(', ')} WHERE id = 1`, { replacements: values });
}
