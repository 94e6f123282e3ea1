import { QueryTypes, type Sequelize } from 'sequelize';

export const SWEEP_RUNS_TABLE = 'bytemark_sweep_runs';

/** One finished sweep (migration 0010). */
export interface SweepRun {
  sweepId: string;
  trigger: string;
  startedAt: number;
  endedAt: number;
  tokenUsers: number;
  usersDue: number;
  refreshed: number;
  failed: number;
  leftOver: number;
  usersPerSecond: number;
  rateLimitRps: number;
  /** `done` (every due user handed out), `deadline` (the window closed first) or `paused`. */
  stoppedBy: string;
}

interface SweepRunRow {
  sweep_id: string;
  sweep_trigger: string;
  started_at: number;
  ended_at: number;
  token_users: number;
  users_due: number;
  refreshed: number;
  failed: number;
  left_over: number;
  users_per_second: string | number;
  rate_limit_rps: string | number;
  stopped_by: string;
}

/** `bytemark_sweep_runs`: what each finished sweep did, for the metrics (last success, users/s), `doctor` and alerts. */
export class SweepRunsRepository {
  constructor(private readonly sequelize: Sequelize) {}

  /** Records a finished sweep; recording it again (a retried activity) keeps one row. */
  async record(r: SweepRun): Promise<void> {
    await this.sequelize.query(
      `INSERT INTO ${SWEEP_RUNS_TABLE} (sweep_id, sweep_trigger, started_at, ended_at, token_users, users_due, refreshed,
         failed, left_over, users_per_second, rate_limit_rps, stopped_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE ended_at = VALUES(ended_at), refreshed = VALUES(refreshed), failed = VALUES(failed),
         left_over = VALUES(left_over), users_per_second = VALUES(users_per_second), stopped_by = VALUES(stopped_by)`,
      {
        replacements: [
          r.sweepId.slice(0, 255),
          r.trigger.slice(0, 32),
          r.startedAt,
          r.endedAt,
          r.tokenUsers,
          r.usersDue,
          r.refreshed,
          r.failed,
          r.leftOver,
          Math.round(r.usersPerSecond * 1000) / 1000,
          r.rateLimitRps,
          r.stoppedBy.slice(0, 32),
        ],
      },
    );
  }

  /** The latest sweep that ended with every due user handed out (`done`), or null. */
  async lastCompleted(): Promise<SweepRun | null> {
    const [row] = await this.sequelize.query<SweepRunRow>(
      `SELECT * FROM ${SWEEP_RUNS_TABLE} WHERE stopped_by = 'done' ORDER BY ended_at DESC LIMIT 1`,
      { type: QueryTypes.SELECT },
    );
    return row ? toRun(row) : null;
  }

  /** The latest sweeps, newest first. */
  async latest(limit: number): Promise<SweepRun[]> {
    const rows = await this.sequelize.query<SweepRunRow>(
      `SELECT * FROM ${SWEEP_RUNS_TABLE} ORDER BY ended_at DESC LIMIT ?`,
      { replacements: [limit], type: QueryTypes.SELECT },
    );
    return rows.map(toRun);
  }
}

function toRun(r: SweepRunRow): SweepRun {
  return {
    sweepId: r.sweep_id,
    trigger: r.sweep_trigger,
    startedAt: Number(r.started_at),
    endedAt: Number(r.ended_at),
    tokenUsers: Number(r.token_users),
    usersDue: Number(r.users_due),
    refreshed: Number(r.refreshed),
    failed: Number(r.failed),
    leftOver: Number(r.left_over),
    usersPerSecond: Number(r.users_per_second),
    rateLimitRps: Number(r.rate_limit_rps),
    stoppedBy: r.stopped_by,
  };
}
