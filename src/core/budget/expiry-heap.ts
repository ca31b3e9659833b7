/**
 * Open holds ordered by expiry: a binary min-heap of (expiresAt, holdId), so finding what is due
 * costs O(log n) per due hold and nothing otherwise. Settled holds are not removed from it (that
 * would need an index); they are skipped when they reach the top (the caller checks the hold).
 */
export class ExpiryHeap {
  private readonly times: number[] = [];
  private readonly ids: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(expiresAt: number, holdId: string): void {
    const { times, ids } = this;
    let index = times.length;
    times.push(expiresAt);
    ids.push(holdId);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (times[parent]! <= expiresAt) break;
      times[index] = times[parent]!;
      ids[index] = ids[parent]!;
      index = parent;
    }
    times[index] = expiresAt;
    ids[index] = holdId;
  }

  /** The earliest expiry (Infinity when empty). */
  peekTime(): number {
    return this.times.length === 0 ? Number.POSITIVE_INFINITY : this.times[0]!;
  }

  /** Removes and returns the hold id with the earliest expiry. */
  pop(): string | undefined {
    const { times, ids } = this;
    if (times.length === 0) return undefined;
    const top = ids[0];
    const lastTime = times.pop()!;
    const lastId = ids.pop()!;
    const size = times.length;
    if (size > 0) {
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && times[right]! < times[left]! ? right : left;
        if (times[child]! >= lastTime) break;
        times[index] = times[child]!;
        ids[index] = ids[child]!;
        index = child;
      }
      times[index] = lastTime;
      ids[index] = lastId;
    }
    return top;
  }
}
