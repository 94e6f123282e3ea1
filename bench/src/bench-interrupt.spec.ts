import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = join(__dirname, '..', '..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('an interrupted bench', () => {
  it('stops its worker processes when its own process gets SIGINT', async () => {
    // `node --import tsx` so the pid signalled is the bench's own (the tsx CLI would be a second process).
    const bench = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts'), '--quick'], {
      cwd: REPO_ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
    const workerPid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no worker became ready within 120 s')), 120_000);
      createInterface({ input: bench.stdout }).on('line', (line) => {
        const ready = /worker ours ready \(pid (\d+)\)/.exec(line);
        if (ready) {
          clearTimeout(timer);
          resolve(Number(ready[1]));
        }
      });
    });
    expect(alive(workerPid)).toBe(true);
    bench.kill('SIGINT'); // only the bench's process, not its group: it must pass the stop on itself
    expect(await exited).toBe(130);
    expect(alive(workerPid)).toBe(false);
  }, 180_000);
});
