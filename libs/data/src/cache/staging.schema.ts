import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../mongo/mongo-model';

export const STAGING_COLLECTION = 'bytemark_pass_staging';

/**
 * Claim-check storage. A staged value is one `head` document (`_id` = key) pointing at a generation
 * of `chunk` documents (`_id` = `<key>#<gen>#<seq>`), each well under the 16 MB document limit.
 */
export interface StagingDoc {
  _id: string;
  kind: 'head' | 'chunk';
  key: string;
  gen: string;
  created_at: Date;
  /** head only */
  chunks?: number;
  count?: number;
  bytes?: number;
  /** chunk only */
  seq?: number;
  items?: unknown[];
}

export const stagingSchema = new Schema<StagingDoc>(
  {
    _id: { type: String, required: true },
    kind: String,
    key: String,
    gen: String,
    created_at: Date,
    chunks: Number,
    count: Number,
    bytes: Number,
    seq: Number,
    items: [Schema.Types.Mixed],
  },
  { collection: STAGING_COLLECTION, strict: false, versionKey: false, autoIndex: false, autoCreate: false },
);

export function stagingModel(conn: Connection): Model<StagingDoc> {
  return modelOn(conn, 'BytemarkPassStaging', stagingSchema);
}
