import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// Node prints its warnings on the real process's stderr (Jest's sandbox does not see them): the load runs in a child.
const SCRIPT = `
const { startSimulator, SimulatorAdmin } = require(${JSON.stringify(join(__dirname, 'index.ts'))});
(async () => {
  const sim = await startSimulator({ port: 0, seed: 5, users: 1, passesPerUser: 3, clientId: 'c' });
  const admin = new SimulatorAdmin(sim.url);
  await admin.setSettings({ latency: { fixedMs: 200, jitterMs: 0 } });
  const [user] = await admin.users();
  const answers = await Promise.all(Array.from({ length: 50 }, () =>
    fetch(sim.url + '/passes', { headers: { authorization: 'Bearer ' + user.token } }).then((r) => r.status)));
  console.log(JSON.stringify(answers));
  await sim.close();
})();
`;

describe('the simulator under simulated latency', () => {
  it('holds fifty delayed answers at once without a listener-leak warning', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual(Array(50).fill(200));
    expect(run.stderr).not.toContain('MaxListenersExceededWarning');
  });
});
