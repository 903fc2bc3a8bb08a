/**
 * Requests-per-minute limiter with the same shape as Google's quotas: at most `perMinute` request starts in any
 * trailing 60 s window. A small scan never waits; a large one settles at the quota instead of collecting 429s.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  private head = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
    private readonly windowMs = 60_000,
  ) {
    if (!(perMinute > 0)) throw new RangeError(`requests per minute must be positive, got ${perMinute}`);
  }

  /** Resolves when one more request may start. Callers are served in order. */
  acquire(): Promise<void> {
    const next = this.chain.then(() => this.take());
    this.chain = next;
    return next;
  }

  private async take(): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.head < this.starts.length && (this.starts[this.head] ?? 0) <= t - this.windowMs) this.head++;
      if (this.head > 1024 && this.head * 2 > this.starts.length) {
        this.starts.splice(0, this.head);
        this.head = 0;
      }
      if (this.starts.length - this.head < this.perMinute) {
        this.starts.push(t);
        return;
      }
      const oldest = this.starts[this.head] ?? t;
      await this.sleep(Math.max(1, oldest + this.windowMs - t));
    }
  }
}

export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
