/**
 * Test-only fixture: the client's tests run over real HTTP against the real simulator (lint allows
 * the simulator lib in test code only: specs, fixtures, `testing` entry points).
 */
import { SimulatorAdmin, startSimulator, type RunningSimulator, type SimulatorOptions } from '@btc/bytemark-simulator';
import { BytemarkClient, type BytemarkClientConfig } from './bytemark-client';

export { startSimulator };

export const TEST_CLIENT_ID = 'client-under-test';
export const TEST_CLIENT_SECRET = 'cs_live_do-not-leak-9f8e7d6c';

export interface TestBytemark {
  sim: RunningSimulator;
  admin: SimulatorAdmin;
  /** A client pointed at the simulator (both APIs), with optional overrides. */
  client(overrides?: Partial<BytemarkClientConfig>): BytemarkClient;
  /** The seeded account of a user (email, password, current token). */
  account(userId: number): Promise<{ userId: number; email: string; password: string; token: string }>;
}

export async function startTestBytemark(opts: SimulatorOptions = {}): Promise<TestBytemark> {
  const sim = await startSimulator({
    port: 0,
    seed: 11,
    users: 3,
    passesPerUser: 20,
    clientId: TEST_CLIENT_ID,
    ...opts,
  });
  const admin = new SimulatorAdmin(sim.url);
  return {
    sim,
    admin,
    client: (overrides = {}) =>
      new BytemarkClient({
        customerApiUrl: sim.url,
        accountApiUrl: sim.url,
        clientId: TEST_CLIENT_ID,
        clientSecret: TEST_CLIENT_SECRET,
        timeoutMs: 5000,
        ...overrides,
      }),
    account: async (userId) => {
      const account = await admin.user(userId);
      if (!account.token) throw new Error(`user ${userId} has no token`);
      return { ...account, token: account.token };
    },
  };
}
