import { QueryTypes, type Sequelize } from 'sequelize';

export const USER_TOMBSTONES_TABLE = 'bytemark_user_tombstones';

/** A deleted rider (migration 0011): when the purge wrote the tombstone, and which run did. */
export interface UserTombstone {
  userId: number;
  /** Unix seconds, on MySQL's clock. */
  purgedAt: number;
  /** The purge's workflow run (`<workflowId>/<runId>`), or who else wrote it. */
  purgeRef: string;
}

/**
 * `bytemark_user_tombstones` (ours): one row per rider deleted by `cache purge`. Nothing of the user
 * comes back once it is written: the sweeps never select the user, a refresh answers `purged`
 * without calling Bytemark, and a commit that raced the purge removes what it wrote. The platform's
 * `bytemark_tokens` row may stay; the tombstone, not the token, decides.
 */
export class UserTombstonesRepository {
  constructor(private readonly sequelize: Sequelize) {}

  /** Writes the user's tombstone (a second purge keeps the first one's time); returns it. */
  async write(p: { userId: number; purgeRef: string }): Promise<UserTombstone> {
    await this.sequelize.query(
      `INSERT IGNORE INTO ${USER_TOMBSTONES_TABLE} (user_id, purged_at, purge_ref) VALUES (?, UNIX_TIMESTAMP(), ?)`,
      { replacements: [p.userId, p.purgeRef.slice(0, 512)] },
    );
    const found = await this.find(p.userId);
    if (!found) throw new Error(`the tombstone of user ${p.userId} was written but cannot be read back`);
    return found;
  }

  async find(userId: number): Promise<UserTombstone | null> {
    const [row] = await this.sequelize.query<{ user_id: number; purged_at: number; purge_ref: string }>(
      `SELECT user_id, purged_at, purge_ref FROM ${USER_TOMBSTONES_TABLE} WHERE user_id = ?`,
      { replacements: [userId], type: QueryTypes.SELECT },
    );
    return row ? { userId: Number(row.user_id), purgedAt: Number(row.purged_at), purgeRef: row.purge_ref } : null;
  }

  /** Whether the user is tombstoned: the check a commit makes before and after it writes. */
  async isTombstoned(userId: number): Promise<boolean> {
    return (await this.find(userId)) !== null;
  }
}
