import { Command } from 'commander';
import { stackDown, stackStatus, stackUp } from './local-stack';
import { prepareDatabases } from './databases';
import { formatError, knownSecrets } from '@btc/config';

const log = (line: string) => console.log(line);

async function main(argv: string[]): Promise<void> {
  const program = new Command('stack').description('The local stack: Temporal dev server, FerretDB, MariaDB');
  program
    .command('up')
    .description('install missing tools, start the Temporal dev server and FerretDB, check MariaDB, migrate')
    .action(async () => {
      await stackUp(log);
      await prepareDatabases(log);
      printStatus(await stackStatus());
    });
  program
    .command('down')
    .description('stop what `up` started (by recorded process id)')
    .action(() => stackDown(log));
  program
    .command('status')
    .description('print each component, its address and health')
    .action(async () => {
      const rows = await stackStatus();
      printStatus(rows);
      if (rows.some((r) => !r.healthy)) process.exitCode = 1;
    });
  await program.parseAsync(argv);
}

function printStatus(rows: Awaited<ReturnType<typeof stackStatus>>): void {
  for (const r of rows) {
    console.log(`${r.healthy ? 'healthy  ' : 'UNHEALTHY'}  ${r.name.padEnd(9)} ${r.address.padEnd(46)} ${r.detail}`);
  }
}

main(process.argv).catch((error: unknown) => {
  for (const line of formatError(error, { secrets: knownSecrets(process.env) })) console.error(`stack: ${line}`);
  process.exitCode = 1;
});
