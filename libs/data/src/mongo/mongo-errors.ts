import mongoose from 'mongoose';

/** MongoDB's duplicate-key error code (a unique index, `_id` included, refused the write). */
export const DUPLICATE_KEY = 11000;

/** Whether a single write was refused because the key exists (what idempotent inserts expect on a retry). */
export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof mongoose.mongo.MongoServerError && error.code === DUPLICATE_KEY;
}
