/**
 * What a set of databases and Temporal hold at one point of the campaign: each user's outcome (from
 * the refresh state), the audit entries and free-ticket rows, the caches' versions and pending effects,
 * staging documents, and the campaign's workflows still open.
 */
import type { Client } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import {
  REFRESH_ACTIVITY,
  REFRESH_LOG_TABLE,
  REFRESH_STATUS,
  STAGING_COLLECTION,
  TICKET_CACHE_COLLECTION,
  TICKET_CACHE_STATE_TABLE,
  TICKET_LOG_COLLECTION,
  type PassEntry,
} from '@btc/data';
import { auditKey, freeTicketKey, type AuditEntryKey } from './compare';
import type { DatabaseSet } from './environment';

export interface DatabaseSnapshot {
  /** Each user's last outcome at or after `sinceSec`; users not reached are absent. */
  outcomes: Map<number, string>;
  auditKeys: string[];
  freeTicketKeys: string[];
  /** Cache document version per user (absent: no cache). */
  versions: Map<number, number>;
  /** What each user's cache holds, as a comparable string: every pass (list, uuid, payload hash, status, free flag) and the free tickets announced. */
  contents: Map<number, string>;
  /** Users whose cache document still records effects to write. */
  pendingEffects: number[];
  staging: number;
  /** Refresh-log rows by activity type and status (`1/processed`, `2/pending`, ...). */
  queueRows: Record<string, number>;
}

const STATUS_NAMES = Object.fromEntries(Object.entries(REFRESH_STATUS).map(([name, code]) => [code, name]));

export async function snapshotDatabases(set: DatabaseSet, sinceSec: number): Promise<DatabaseSnapshot> {
  const { sequelize, mongo } = set.dependencies;
  const db = mongo.db!;
  const states = await sequelize.query<{ user_id: number; outcome: string; checked_at: number }>(
    `SELECT user_id, outcome, checked_at FROM \`${TICKET_CACHE_STATE_TABLE}\``,
    { type: QueryTypes.SELECT },
  );
  const outcomes = new Map<number, string>();
  for (const s of states) if (Number(s.checked_at) >= sinceSec) outcomes.set(Number(s.user_id), s.outcome);

  const entries = await db
    .collection(TICKET_LOG_COLLECTION)
    .find({}, { projection: { _id: 0, user_id: 1, source: 1, action: 1, uuid: 1, payload_hash: 1 } })
    .toArray();
  const rows = await sequelize.query<{ user_id: number; activity_type: number; status: number; note: string | null }>(
    `SELECT user_id, activity_type, status, note FROM \`${REFRESH_LOG_TABLE}\``,
    { type: QueryTypes.SELECT },
  );
  const queueRows: Record<string, number> = {};
  for (const r of rows) {
    const key = `${r.activity_type}/${STATUS_NAMES[Number(r.status)] ?? r.status}`;
    queueRows[key] = (queueRows[key] ?? 0) + 1;
  }
  const caches = await db
    .collection(TICKET_CACHE_COLLECTION)
    .find({}, { projection: { _id: 0, user_id: 1, version: 1, pending: 1, passes: 1, passes4: 1, announced_free: 1 } })
    .toArray();
  return {
    outcomes,
    auditKeys: entries.map((e) => auditKey(e as unknown as AuditEntryKey)),
    freeTicketKeys: rows
      .filter((r) => Number(r.activity_type) === REFRESH_ACTIVITY.freeTicketNotification)
      .map((r) => freeTicketKey({ user_id: Number(r.user_id), note: r.note })),
    versions: new Map(caches.map((c) => [Number(c['user_id']), Number(c['version'])])),
    contents: new Map(caches.map((c) => [Number(c['user_id']), cacheContent(c)])),
    pendingEffects: caches.filter((c) => c['pending']).map((c) => Number(c['user_id'])),
    staging: await db.collection(STAGING_COLLECTION).countDocuments({}),
    queueRows,
  };
}

/** A cache document's passes and announced free tickets, in a canonical order; timestamps and versions left out. */
export function cacheContent(doc: Record<string, unknown>): string {
  const entries = (source: string) =>
    ((doc[source] as PassEntry[] | undefined) ?? []).map(
      (e) => `${source}:${e.pass_uuid}:${e.payload_hash}:${e.status}:${e.free_ticket_status}`,
    );
  const announced = [...((doc['announced_free'] as string[] | undefined) ?? [])].sort();
  return [...entries('passes'), ...entries('passes4')]
    .sort()
    .concat(`announced:${announced.join(',')}`)
    .join('\n');
}

export interface OpenWorkflow {
  workflowId: string;
  runId: string;
  type: string;
}

/** The campaign's workflows still running (every one it starts is on its own task queue). */
export async function openWorkflows(client: Client, taskQueue: string): Promise<OpenWorkflow[]> {
  const open: OpenWorkflow[] = [];
  for await (const wf of client.workflow.list({
    query: `ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`,
  })) {
    open.push({ workflowId: wf.workflowId, runId: wf.runId, type: wf.type });
  }
  return open;
}
