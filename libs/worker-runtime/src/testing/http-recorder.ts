import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface RecordedResponse {
  status: number;
  body: unknown;
}

/**
 * A real local HTTP endpoint that records what it receives (the notification endpoint, Slack's API).
 * `respond` may answer late (a promise): a slow endpoint, whose caller may have given up meanwhile.
 */
/** A local HTTP server that records every request and answers with `respond`. */
export type HttpRecorder = Awaited<ReturnType<typeof startHttpRecorder>>;

export async function startHttpRecorder(
  respond: (req: RecordedRequest) => RecordedResponse | Promise<RecordedResponse> = () => ({
    status: 200,
    body: { ok: true },
  }),
) {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw ? JSON.parse(raw) : null,
      };
      requests.push(recorded);
      void Promise.resolve(respond(recorded)).then(({ status, body }) => {
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
