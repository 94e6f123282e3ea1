/** A global token bucket: `rps` tokens per second, burst of one second's worth. 0 disables it. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private rps: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rps;
    this.last = now();
  }

  setRate(rps: number): void {
    this.rps = rps;
    this.tokens = rps;
    this.last = this.now();
  }

  get rate(): number {
    return this.rps;
  }

  /** Takes one token; returns 0 when allowed, else the seconds to wait before one is available. */
  take(): number {
    if (!this.rps || this.rps <= 0) return 0;
    const now = this.now();
    this.tokens = Math.min(this.rps, this.tokens + ((now - this.last) / 1000) * this.rps);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rps));
  }
}
