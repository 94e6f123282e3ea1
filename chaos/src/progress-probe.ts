import type { Connection as MysqlConnection } from 'mysql2/promise';
import { TICKET_CACHE_STATE_TABLE } from '@btc/data';
import { sleep } from './campaign-utils';
import { CHAOS_DATABASE } from './environment';

/**
 * How far the sweep is: the campaign's users touched since `sinceSec`, counted every 150 ms on a
 * connection of its own. The fault drivers fire at shares of the sweep read from it.
 */
export class ProgressProbe {
  touched = 0;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly conn: MysqlConnection,
    private readonly of: number,
  ) {}

  start(sinceSec: number): void {
    this.stopped = false;
    this.touched = 0;
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          const [rows] = await this.conn.query(
            `SELECT COUNT(*) AS n FROM \`${CHAOS_DATABASE}\`.\`${TICKET_CACHE_STATE_TABLE}\` WHERE checked_at >= ?`,
            [sinceSec],
          );
          this.touched = Number((rows as Array<{ n: number }>)[0]?.n ?? 0);
        } catch {
          // the next poll tries again
        }
        await sleep(150);
      }
    })();
  }

  share(): number {
    return this.touched / Math.max(1, this.of);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
