/**
 * Requests-per-minute limiter with the same shape as Google's quotas: at most `perMinute` request starts in any
 * trailing window (60 s unless a test injects a shorter one). A small scan never waits; a large one settles at the
 * quota instead of collecting 429s. The limit can change while running (see quota.ts: a 429 names the real one);
 * `Infinity` means no limit is known yet, but starts are still recorded so a limit learnt later counts them.
 *
 * A slot is taken in two steps, `acquire` and `started`: between them the request may wait for a free connection
 * in its pool, and it still counts against the window (so waiting never lets more through than the limit), but
 * its time is the moment it was really sent.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  private head = 0;
  /** Slots acquired whose request has not been sent yet. */
  private pending = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
    readonly windowMs = 60_000,
  ) {
    if (!(perMinute > 0)) throw new RangeError(`requests per minute must be positive, got ${perMinute}`);
  }

  get limit(): number {
    return this.perMinute;
  }

  /** Changes the limit; requests already waiting see it on their next check. */
  setLimit(perMinute: number): void {
    if (!(perMinute > 0)) throw new RangeError(`requests per minute must be positive, got ${perMinute}`);
    this.perMinute = perMinute;
  }

  /** Resolves when one more request may start, holding its slot until `started` or `release`. Callers are served in order. */
  acquire(): Promise<void> {
    const next = this.chain.then(() => this.take());
    this.chain = next;
    return next;
  }

  /** The request holding a slot was sent now. */
  started(): void {
    this.pending = Math.max(0, this.pending - 1);
    this.starts.push(this.now());
  }

  /**
   * The request holding a slot is about to be sent: true (and counted as sent now) if the window still has room
   * under the current limit; false (slot given back) if the limit was lowered meanwhile, and it must queue again.
   */
  tryStart(): boolean {
    this.prune(this.now());
    if (this.starts.length - this.head < this.perMinute) {
      this.started();
      return true;
    }
    this.release();
    return false;
  }

  /** A slot given back unused (the request was never sent). */
  release(): void {
    this.pending = Math.max(0, this.pending - 1);
  }

  private prune(t: number): void {
    while (this.head < this.starts.length && (this.starts[this.head] ?? 0) <= t - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.starts.length) {
      this.starts.splice(0, this.head);
      this.head = 0;
    }
  }

  private async take(): Promise<void> {
    for (;;) {
      const t = this.now();
      this.prune(t);
      const inWindow = this.starts.length - this.head + this.pending;
      if (inWindow < this.perMinute) {
        this.pending++;
        return;
      }
      // With every slot pending (none sent yet), no start can leave the window: check again shortly.
      const oldest = this.starts[this.head];
      await this.sleep(oldest === undefined ? 10 : Math.max(1, oldest + this.windowMs - t));
    }
  }
}

export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
