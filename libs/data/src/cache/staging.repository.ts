import { randomUUID } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import { StagingCorruptError } from '../errors';
import { decodeChunks, encodeChunks } from './staging-encoding';
import { stagingModel, type StagingDoc } from './staging.schema';

/** Target size of one chunk document: far below 16 MB so FerretDB handles each write comfortably. */
export const STAGING_CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * Claim-check store for pass lists exchanged between activities. A value of any size is split into
 * chunk documents; `put` writes a new generation of chunks, then swaps the head to it, then deletes
 * older generations, so a reader never sees a half-written value and `put` with the same key is an
 * idempotent overwrite. Cleanup is `deleteOlderThan` (no TTL index on FerretDB v1).
 */
export class StagingRepository {
  private readonly model: Model<StagingDoc>;

  constructor(
    conn: Connection,
    private readonly chunkBytes = STAGING_CHUNK_BYTES,
  ) {
    this.model = stagingModel(conn);
  }

  async put(p: { key: string; value: unknown[] }): Promise<{ key: string; count: number; bytes: number }> {
    const gen = randomUUID();
    const { chunks, bytes } = encodeChunks(p.key, p.value, this.chunkBytes);
    const previous = await this.model.findById(p.key).lean<StagingDoc>().exec();
    const base = { key: p.key, gen, created_at: new Date() };
    for (const [seq, items] of chunks.entries()) {
      await this.model.insertMany([{ _id: chunkId(p.key, gen, seq), kind: 'chunk', ...base, seq, items }], {
        lean: true,
      });
    }
    await this.model
      .replaceOne(
        { _id: p.key },
        { _id: p.key, kind: 'head', ...base, chunks: chunks.length, count: p.value.length, bytes },
        { upsert: true },
      )
      .exec();
    if (previous) await this.deleteChunks(previous);
    return { key: p.key, count: p.value.length, bytes };
  }

  /** The staged list, or null when nothing is staged under the key. */
  async get(p: { key: string }): Promise<unknown[] | null> {
    const head = await this.model.findById(p.key).lean<StagingDoc>().exec();
    if (!head) return null;
    const expected = Number(head.chunks ?? 0);
    const chunks = await Promise.all(
      Array.from({ length: expected }, (_, seq) =>
        this.model
          .findById(chunkId(p.key, head.gen, seq))
          .lean<StagingDoc>()
          .exec(),
      ),
    );
    const found = chunks.filter((c) => c !== null);
    if (found.length !== expected) throw new StagingCorruptError(p.key, expected, found.length);
    return decodeChunks(found.map((chunk) => chunk.items ?? []));
  }

  async delete(p: { key: string }): Promise<void> {
    const head = await this.model.findById(p.key).lean<StagingDoc>().exec();
    if (!head) return;
    await this.model.deleteOne({ _id: p.key }).exec();
    await this.deleteChunks(head);
  }

  /**
   * Chunks are addressed by `_id` only: FerretDB v1 (SQLite) pushes down nothing but an exact `_id`
   * filter, so any other filter would decode every staged document.
   */
  private async deleteChunks(head: StagingDoc): Promise<void> {
    const count = Number(head.chunks ?? 0);
    await Promise.all(
      Array.from({ length: count }, (_, seq) => this.model.deleteOne({ _id: chunkId(head.key, head.gen, seq) }).exec()),
    );
  }

  /** Removes everything staged before `cutoff` (including orphaned chunks of interrupted puts). Returns the number of staged values removed. */
  async deleteOlderThan(p: { cutoff: Date }): Promise<number> {
    const heads = await this.model.countDocuments({ kind: 'head', created_at: { $lt: p.cutoff } }).exec();
    await this.model.deleteMany({ created_at: { $lt: p.cutoff } }).exec();
    return heads;
  }
}

function chunkId(key: string, gen: string, seq: number): string {
  return `${key}#${gen}#${seq}`;
}
