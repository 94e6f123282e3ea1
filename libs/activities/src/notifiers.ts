import axios, { type AxiosInstance } from 'axios';
import { NotificationError, NotificationUnconfirmedError } from './errors';

/** The free-ticket reward push of the original five-minute job (domain §4.8), type 75, en-us. */
export const FREE_TICKET_NOTIFICATION = {
  type: 75,
  title: "You've earned 5 free METRO tickets!",
  body: "As a thank you for taking 50 METRO rides with ConnectSmart, we've added 5 free METRO tickets to your wallet. Way to go!",
  meta: {},
  language: 'en-us',
  silent: false,
} as const;

/** Transport failures after which the request may have reached the endpoint. */
const AMBIGUOUS_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ERR_CANCELED']);

/** Sends platform push notifications through a configurable HTTP endpoint. */
export class PushNotifier {
  private readonly http: AxiosInstance;

  constructor(
    readonly url: string | undefined,
    timeoutMs = 10_000,
  ) {
    // The timeout also bounds how long a send may go unanswered before it counts as unconfirmed.
    this.http = axios.create({ timeout: timeoutMs, validateStatus: () => true });
  }

  get enabled(): boolean {
    return this.url !== undefined;
  }

  /** POSTs the free-ticket push; the idempotency key lets the endpoint drop a resend after a crash. */
  async sendFreeTicket(userId: number, idempotencyKey: string): Promise<void> {
    if (!this.url) throw new NotificationError('no notification endpoint is configured', null);
    const { type, ...content } = FREE_TICKET_NOTIFICATION;
    const response = await this.http
      .post(
        this.url,
        { user_ids: [userId], notification_type: type, ...content },
        { headers: { 'Idempotency-Key': idempotencyKey } },
      )
      .catch((error: unknown) => {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && AMBIGUOUS_CODES.has(code)) {
          throw new NotificationUnconfirmedError(
            `notification endpoint did not answer (${code}); it may have received the push`,
          );
        }
        throw new NotificationError(
          `notification endpoint unreachable (${typeof code === 'string' ? code : 'network error'})`,
          null,
        );
      });
    if (response.status < 200 || response.status >= 300) {
      throw new NotificationError(`notification endpoint answered HTTP ${response.status}`, response.status);
    }
  }
}

/** Slack Web API `chat.postMessage`; off when no bot token is configured. The token never reaches a log or error. */
export class SlackNotifier {
  private readonly http: AxiosInstance;

  constructor(
    private readonly options: { botToken?: string; channelId?: string; apiUrl?: string; timeoutMs?: number },
  ) {
    this.http = axios.create({
      baseURL: options.apiUrl ?? 'https://slack.com/api',
      timeout: options.timeoutMs ?? 10_000,
      validateStatus: () => true,
    });
  }

  get enabled(): boolean {
    return Boolean(this.options.botToken && this.options.channelId);
  }

  async post(text: string): Promise<boolean> {
    if (!this.enabled) return false;
    const response = await this.http
      .post(
        '/chat.postMessage',
        { channel: this.options.channelId, text },
        { headers: { authorization: `Bearer ${this.options.botToken}` } },
      )
      .catch((error: unknown) => {
        throw new NotificationError(`Slack unreachable: ${(error as Error).message}`, null);
      });
    const body = response.data as { ok?: boolean; error?: string } | undefined;
    if (response.status !== 200 || !body?.ok) {
      throw new NotificationError(
        `Slack chat.postMessage failed: HTTP ${response.status} ${body?.error ?? ''}`.trim(),
        response.status,
      );
    }
    return true;
  }
}
