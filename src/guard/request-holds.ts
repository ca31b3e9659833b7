/**
 * Which hold a fal request id draws on, in this process. A hold whose request is never looked
 * at again stays in the ledger and counts as spent when it expires; this map only forgets it.
 */
export class RequestHolds {
  private readonly holds = new Map<string, { holdId: string; expiresAt: number }>();
  private attachesSinceSweep = 0;

  attach(requestId: string, holdId: string, expiresAt: number, now: number): void {
    this.holds.set(requestId, { holdId, expiresAt });
    this.attachesSinceSweep += 1;
    if (this.attachesSinceSweep >= 1024) this.sweep(now);
  }

  holdOf(requestId: string): string | undefined {
    return this.holds.get(requestId)?.holdId;
  }

  forget(requestId: string): void {
    this.holds.delete(requestId);
  }

  /** Drops links whose hold has expired: the ledger has already counted them as spent. */
  private sweep(now: number): void {
    this.attachesSinceSweep = 0;
    for (const [requestId, hold] of this.holds) if (hold.expiresAt <= now) this.holds.delete(requestId);
  }
}
