import { PushNotifier, SlackNotifier, createActivities, type Activities } from '@btc/activities';
import { BytemarkClient } from '@btc/bytemark-client';
import {
  BytemarkTokensRepository,
  NotificationLedgerRepository,
  RefreshLogRepository,
  StagingRepository,
  TicketCacheRepository,
  TicketLogRepository,
  TokenCipher,
  connectMongo,
  createSequelize,
} from '@btc/data';
import type { WorkerConfig } from './config';

export interface WorkerDependencies {
  activities: Activities;
  close(): Promise<void>;
}

/** Builds the connections, repositories, Bytemark client and activities; the only place that does. */
export async function buildDependencies(
  config: Pick<WorkerConfig, 'mysqlUrl' | 'mongoUrl' | 'bytemark' | 'tokenEncryptionKeys' | 'cache' | 'notificationUrl' | 'slack'>,
): Promise<WorkerDependencies> {
  const sequelize = createSequelize(config.mysqlUrl, { logging: false, pool: { max: 10 } });
  const mongo = await connectMongo(config.mongoUrl);
  try {
    await sequelize.authenticate();
  } catch (error) {
    await mongo.close();
    throw error;
  }
  const tokens = new BytemarkTokensRepository(sequelize, TokenCipher.fromKeyring(config.tokenEncryptionKeys));
  const staging = new StagingRepository(mongo);
  const activities = createActivities({
    tokens,
    staging,
    cache: new TicketCacheRepository(mongo),
    logs: new TicketLogRepository(mongo),
    refreshLog: new RefreshLogRepository(sequelize),
    bytemark: new BytemarkClient({
      customerApiUrl: config.bytemark.customerApiUrl,
      accountApiUrl: config.bytemark.accountApiUrl,
      clientId: config.bytemark.clientId,
      clientSecret: config.bytemark.clientSecret,
      timeoutMs: config.bytemark.timeoutMs,
      perPage: config.bytemark.perPage,
    }),
    config: config.cache,
    ledger: new NotificationLedgerRepository(mongo),
    push: new PushNotifier(config.notificationUrl),
    slack: new SlackNotifier(config.slack),
  });
  return {
    activities,
    async close() {
      await Promise.allSettled([sequelize.close(), mongo.close()]);
    },
  };
}
