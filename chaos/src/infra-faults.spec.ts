import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { processTcpPorts } from './infra-faults';

describe("finding a process's connections to a port", () => {
  it("names the local port of this process's connection to a server, and no other", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client: Socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', resolve));
    try {
      expect(processTcpPorts(process.pid, port)).toEqual(new Set([client.localPort]));
      expect(processTcpPorts(process.pid, port === 1 ? 2 : 1).size).toBe(0);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
