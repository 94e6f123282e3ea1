import type { Connection as MysqlConnection } from 'mysql2/promise';
import { createConnection } from 'mysql2/promise';
import { LOCAL } from '@btc/tools';
import type { CampaignResult } from './campaign-result';
import { message } from './campaign-utils';
import type { ChaosEnvironment, Log } from './environment';
import { ensureStackUp, type WorkerSupervisor } from './infra-faults';
import { openWorkflows } from './snapshot';
import type { CampaignSchedule } from './sweep';

const LOCK = 'btc-chaos-campaign';

/** The campaign's own MariaDB connection, holding the stack's campaign lock: one campaign at a time. */
export async function lockCampaign(): Promise<MysqlConnection> {
  const conn = await createConnection({ uri: LOCAL.mysqlUrl });
  const [locked] = await conn.query(`SELECT GET_LOCK('${LOCK}', 0) AS got`);
  if (Number((locked as Array<{ got: number }>)[0]?.got) !== 1) {
    await conn.end();
    throw new Error(`another fault campaign is running on this stack (it holds the ${LOCK} lock)`);
  }
  return conn;
}

/** What a campaign started, so far as it got: each is stopped even when an earlier step failed. */
export interface CampaignResources {
  conn: MysqlConnection;
  taskQueue: string;
  env?: ChaosEnvironment;
  worker?: WorkerSupervisor;
  schedule?: CampaignSchedule;
}

/**
 * Leaves the stack as the campaign found it: terminates what it left running on its queue (a run cut
 * short by the time limit, the alerts singleton), deletes its schedule, stops its worker, closes its
 * connections (the lock goes with its connection) and makes sure FerretDB is up.
 */
export async function cleanUpCampaign(
  r: CampaignResources,
  log: Log,
  counts: CampaignResult['cleanup'],
): Promise<void> {
  if (r.env) {
    for (const wf of await openWorkflows(r.env.client, r.taskQueue).catch(() => [])) {
      await r.env.client.workflow
        .getHandle(wf.workflowId, wf.runId)
        .terminate('fault campaign cleanup')
        .then(() => (counts.terminated += 1))
        .catch(() => undefined);
    }
  }
  if (r.schedule) {
    await r.schedule.delete().catch(() => undefined);
    counts.schedulesDeleted += 1;
  }
  await r.worker?.stop().catch(() => undefined);
  await r.env?.close();
  await ensureStackUp(log).catch((error: unknown) => log(`stack: ${message(error)}`));
  await r.conn.end().catch(() => undefined);
}
