/**
 * A loopback stand-in for the platform's push endpoint (`NOTIFICATION_URL`): it answers 200 and counts
 * the free-ticket pushes it receives, per user and per `Idempotency-Key`, so the campaign can tell a
 * user notified twice from a resend the endpoint would drop.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PushReceiver {
  url: string;
  /** Pushes received per user. */
  byUser(): Map<number, number>;
  /** Pushes received per idempotency key. */
  byKey(): Map<string, number>;
  close(): Promise<void>;
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const users = new Map<number, number>();
  const keys = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      try {
        const parsed = JSON.parse(body) as { user_ids?: number[] };
        for (const userId of parsed.user_ids ?? []) users.set(userId, (users.get(userId) ?? 0) + 1);
        const key = String(request.headers['idempotency-key'] ?? '');
        keys.set(key, (keys.get(key) ?? 0) + 1);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/push`,
    byUser: () => new Map(users),
    byKey: () => new Map(keys),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
