import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_CLIENT_ID, startSimulator } from '@btc/bytemark-simulator';
import { createLogger } from '@btc/config';

function int(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

const log = createLogger({ name: 'bytemark-simulator', env: process.env });

/** CLI: `npm run simulator -- --port 4010 --users 50 --seed 1`. */
async function main(): Promise<void> {
  const opts = new Command('bytemark-simulator')
    .description('A real HTTP server that speaks the Bytemark API (account + customer + /admin)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = a free one)', int, 4010)
    .option('--users <n>', 'seeded users', int, 50)
    .option('--passes-per-user <n>', 'seeded passes per user', int, 20)
    .option('--seed <n>', 'PRNG seed', int, 1)
    .option('--first-user-id <n>', 'platform user id of the first seeded user', int, 1)
    .option('--client-id <id>', 'client id that login accepts', DEFAULT_CLIENT_ID)
    .option('--rate-limit-rps <n>', 'global token-bucket limit (0 = off)', int, 0)
    .option('--max-per-page <n>', 'largest page the server returns', int, 10_000)
    .parse(process.argv)
    .opts<{
      host: string;
      port: number;
      users: number;
      passesPerUser: number;
      seed: number;
      firstUserId: number;
      clientId: string;
      rateLimitRps: number;
      maxPerPage: number;
    }>();

  const simulator = await startSimulator(opts);
  log.info(
    {
      url: simulator.url,
      users: opts.users,
      passesPerUser: opts.passesPerUser,
      seed: opts.seed,
      admin: `${simulator.url}/admin/users`,
    },
    'Bytemark simulator listening',
  );
  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'failed to start');
  process.exit(1);
});
