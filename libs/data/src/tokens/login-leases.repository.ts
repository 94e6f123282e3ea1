import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';

export const LOGIN_LEASES_TABLE = 'bytemark_login_leases';

/**
 * `bytemark_login_leases`: one re-login at a time per user, across worker processes. Bytemark revokes
 * a user's previous token on each login, so of two refreshes logging one user in at once, one would
 * fetch with a revoked token (and answer `failed-auth` for a working account) and the stored token
 * could be the revoked one. A lease is a row with an owner and an expiry on MySQL's clock: a worker
 * that died holding one blocks nobody past `leaseSeconds`. No connection is held while the login runs.
 */
export class LoginLeasesRepository {
  constructor(private readonly sequelize: Sequelize) {}

  /** Takes the user's lease unless another owner holds one that has not expired; returns the owner id, or null. */
  async tryAcquire(userId: number, leaseSeconds: number): Promise<string | null> {
    const owner = randomUUID();
    await this.sequelize.query(
      `INSERT INTO ${LOGIN_LEASES_TABLE} (user_id, owner, expires_at)
       VALUES (?, ?, NOW(3) + INTERVAL ? SECOND)
       ON DUPLICATE KEY UPDATE
         owner = IF(expires_at < NOW(3), VALUES(owner), owner),
         expires_at = IF(owner = VALUES(owner), VALUES(expires_at), expires_at)`,
      { replacements: [userId, owner, leaseSeconds] },
    );
    const [row] = await this.sequelize.query<{ owner: string }>(
      `SELECT owner FROM ${LOGIN_LEASES_TABLE} WHERE user_id = ?`,
      { replacements: [userId], type: QueryTypes.SELECT },
    );
    return row?.owner === owner ? owner : null;
  }

  async release(userId: number, owner: string): Promise<void> {
    await this.sequelize.query(`DELETE FROM ${LOGIN_LEASES_TABLE} WHERE user_id = ? AND owner = ?`, {
      replacements: [userId, owner],
    });
  }
}
