import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { logFile, portOpen, recordedProcess, startDetached, stopRecorded, waitHealthy } from './processes';

describe('local stack processes', () => {
  it('reports a component that crashes during start-up with its log path and the log tail', async () => {
    const name = `test-crasher-${process.pid}`;
    const record = startDetached(
      name,
      '/bin/sh',
      ['-c', 'echo "listen tcp: address already in use" >&2; exit 3'],
      '/tmp',
    );
    const error = await waitHealthy(name, record.pid, async () => false, 10_000).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('exited during start-up');
    expect((error as Error).message).toContain(logFile(name));
    expect((error as Error).message).toContain('address already in use');
    await stopRecorded(name);
  });

  it('times out with the log path when a component never becomes healthy', async () => {
    const name = `test-sleeper-${process.pid}`;
    const record = startDetached(name, '/bin/sleep', ['30'], '/tmp');
    const error = await waitHealthy(name, record.pid, async () => false, 600).catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/not healthy after 0.6 s/);
    expect((error as Error).message).toContain(logFile(name));
    expect(recordedProcess(name)?.pid).toBe(record.pid);
    expect(await stopRecorded(name)).toBe('stopped');
    expect(recordedProcess(name)).toBeNull();
    expect(await stopRecorded(name)).toBe('not-running');
  });

  it('tells an open port from a closed one', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    expect(await portOpen(port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await portOpen(port)).toBe(false);
  });
});
