import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../mongo/mongo-model';
import { isDuplicateKeyError } from '../mongo/mongo-errors';
import type { PendingEffects } from './ticket-cache.schema';

export const QUARANTINE_COLLECTION = 'bytemark_tickets_cache_quarantine';

/** Effects of a commit that could never be written (a value a column cannot hold), set aside with why. */
export interface QuarantinedEffects {
  _id: string;
  user_id: number;
  refresh_id: string;
  pending: PendingEffects;
  /** The failure's type and code only (no value). */
  reason: string;
  quarantined_at: Date;
}

const quarantineSchema = new Schema<QuarantinedEffects>(
  {
    _id: { type: String, required: true },
    user_id: { type: Number, required: true },
    refresh_id: { type: String, required: true },
    pending: { type: Schema.Types.Mixed, required: true },
    reason: { type: String, required: true },
    quarantined_at: { type: Date, required: true },
  },
  { collection: QUARANTINE_COLLECTION, versionKey: false, autoIndex: false, autoCreate: false },
);

/**
 * `bytemark_tickets_cache_quarantine`: pending effects (audit entries, a free-ticket row) that failed
 * for a reason no retry fixes, moved out of the cache document so the user's refreshes go on. An
 * operator looks at them (`npm run cli -- cache quarantine`), fixes the cause and writes them by hand.
 */
export class QuarantineRepository {
  private readonly model: Model<QuarantinedEffects>;

  constructor(conn: Connection) {
    this.model = modelOn(conn, 'BytemarkTicketsCacheQuarantine', quarantineSchema);
  }

  /** Sets the effects aside; true when this call did (false: an earlier attempt already had). */
  async put(p: { userId: number; pending: PendingEffects; reason: string }): Promise<boolean> {
    try {
      await this.model.insertMany(
        [
          {
            _id: `${p.userId}:${p.pending.refresh_id}`,
            user_id: p.userId,
            refresh_id: p.pending.refresh_id,
            pending: p.pending,
            reason: p.reason.slice(0, 500),
            quarantined_at: new Date(),
          },
        ],
        { lean: true },
      );
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async list(p: { limit: number }): Promise<QuarantinedEffects[]> {
    return this.model.find({}).sort({ quarantined_at: -1 }).limit(p.limit).lean<QuarantinedEffects[]>().exec();
  }

  async countByUserId(f: { userId: number }): Promise<number> {
    return this.model.countDocuments({ user_id: f.userId }).exec();
  }

  async deleteByUserId(f: { userId: number }): Promise<number> {
    return (await this.model.deleteMany({ user_id: f.userId }).exec()).deletedCount;
  }
}
