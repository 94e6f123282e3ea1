import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotificationError } from './errors';
import { SlackNotifier } from './notifiers';

const TOKEN = 'xoxb-secret-bot-token-value';

describe('SlackNotifier against a local Slack Web API', () => {
  let server: Server;
  let url: string;
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
  let answer: { status: number; body: unknown } = { status: 200, body: { ok: true } };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts chat.postMessage with the bot token as a Bearer header to the configured channel', async () => {
    const slack = new SlackNotifier({ botToken: TOKEN, channelId: 'C123', apiUrl: url });
    expect(await slack.post('sweep failures: 7')).toBe(true);
    expect(received.at(-1)).toMatchObject({
      path: '/api/chat.postMessage',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: { channel: 'C123', text: 'sweep failures: 7' },
    });
  });

  it('is off without a token and sends nothing', async () => {
    const count = received.length;
    expect(await new SlackNotifier({ channelId: 'C123', apiUrl: url }).post('x')).toBe(false);
    expect(received).toHaveLength(count);
  });

  it("reports Slack's error without leaking the token", async () => {
    answer = { status: 200, body: { ok: false, error: 'channel_not_found' } };
    const error = await new SlackNotifier({ botToken: TOKEN, channelId: 'C404', apiUrl: url })
      .post('x')
      .catch((e: unknown) => e);
    answer = { status: 200, body: { ok: true } };
    expect(error).toBeInstanceOf(NotificationError);
    expect((error as Error).message).toContain('channel_not_found');
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect((error as Error).message).not.toContain(TOKEN);
  });
});
