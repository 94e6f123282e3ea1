import { randomUUID } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import { StagingCorruptError } from './errors';
import { escapePayloadKeys, unescapePayloadKeys } from './payload-keys';
import { stagingModel, type StagingDoc } from './staging.schema';
import { MAX_DOCUMENT_BYTES, bsonSize } from './ticket-cache.repository';

/** Target size of one chunk document: far below 16 MB so FerretDB handles each write comfortably. */
export const STAGING_CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * Claim-check store for pass lists exchanged between activities. A value of any size is split into
 * chunk documents; `put` writes a new generation of chunks, then swaps the head to it, then deletes
 * older generations, so a reader never sees a half-written value and `put` with the same key is an
 * idempotent overwrite. Cleanup is `deleteOlderThan` (no TTL index on FerretDB v1).
 */
export class StagingRepository {
  private readonly collection: mongo.Collection<StagingDoc>;

  constructor(
    conn: Connection,
    private readonly chunkBytes = STAGING_CHUNK_BYTES,
  ) {
    this.collection = stagingModel(conn).collection as unknown as mongo.Collection<StagingDoc>;
  }

  async put(p: {
    key: string;
    userId: number;
    value: unknown[];
  }): Promise<{ key: string; count: number; bytes: number }> {
    const gen = randomUUID();
    const createdAt = new Date();
    const chunks: unknown[][] = [];
    let current: unknown[] = [];
    let currentBytes = 0;
    let bytes = 0;
    for (const [i, item] of p.value.entries()) {
      const escaped = escapePayloadKeys(item, `staged ${p.key}[${i}]`);
      const size = bsonSize({ v: escaped });
      if (size > MAX_DOCUMENT_BYTES - 1024)
        throw new Error(`staged item ${p.key}[${i}] is ${size} bytes, over the document limit`);
      if (current.length > 0 && currentBytes + size > this.chunkBytes) {
        chunks.push(current);
        current = [];
        currentBytes = 0;
      }
      current.push(escaped);
      currentBytes += size;
      bytes += size;
    }
    if (current.length > 0) chunks.push(current);

    const previous = await this.collection.findOne({ _id: p.key });
    const base = { key: p.key, gen, user_id: p.userId, created_at: createdAt };
    for (const [seq, items] of chunks.entries()) {
      await this.collection.insertOne({ _id: chunkId(p.key, gen, seq), kind: 'chunk', ...base, seq, items });
    }
    await this.collection.replaceOne(
      { _id: p.key },
      { kind: 'head', ...base, chunks: chunks.length, count: p.value.length, bytes },
      { upsert: true },
    );
    if (previous) await this.deleteChunks(previous);
    return { key: p.key, count: p.value.length, bytes };
  }

  /** The staged list, or null when nothing is staged under the key. */
  async get(p: { key: string }): Promise<unknown[] | null> {
    const head = await this.collection.findOne({ _id: p.key });
    if (!head) return null;
    const expected = Number(head.chunks ?? 0);
    const chunks = await Promise.all(
      Array.from({ length: expected }, (_, seq) =>
        this.collection.findOne({ _id: chunkId(p.key, String(head.gen), seq) }),
      ),
    );
    const found = chunks.filter((c) => c !== null);
    if (found.length !== expected) throw new StagingCorruptError(p.key, expected, found.length);
    const out: unknown[] = [];
    for (const chunk of found) for (const item of chunk.items ?? []) out.push(unescapePayloadKeys(item));
    return out;
  }

  async delete(p: { key: string }): Promise<void> {
    const head = await this.collection.findOne({ _id: p.key });
    if (!head) return;
    await this.collection.deleteOne({ _id: p.key });
    await this.deleteChunks(head);
  }

  /**
   * Chunks are addressed by `_id` only: FerretDB v1 (SQLite) pushes down nothing but an exact `_id`
   * filter, so any other filter would decode every staged document.
   */
  private async deleteChunks(head: StagingDoc): Promise<void> {
    const count = Number(head.chunks ?? 0);
    await Promise.all(
      Array.from({ length: count }, (_, seq) =>
        this.collection.deleteOne({ _id: chunkId(String(head.key), String(head.gen), seq) }),
      ),
    );
  }

  /** Removes everything staged before `cutoff` (including orphaned chunks of interrupted puts). Returns the number of staged values removed. */
  async deleteOlderThan(p: { cutoff: Date }): Promise<number> {
    const heads = await this.collection.countDocuments({ kind: 'head', created_at: { $lt: p.cutoff } });
    await this.collection.deleteMany({ created_at: { $lt: p.cutoff } });
    return heads;
  }
}

function chunkId(key: string, gen: string, seq: number): string {
  return `${key}#${gen}#${seq}`;
}
