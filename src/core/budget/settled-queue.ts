/**
 * Settled holds in the order they settled, oldest first: a queue read from the front, compacted
 * once half of it is read (amortised O(1); a Map of the ids cost a hash insert per settlement).
 * Generic over what it holds, so this module needs nothing of the ledger state's.
 */
export class SettledQueue<Settled> {
  private holds: Settled[] = [];
  private start = 0;

  push(hold: Settled): void {
    this.holds.push(hold);
  }

  peek(): Settled | undefined {
    return this.start < this.holds.length ? this.holds[this.start] : undefined;
  }

  shift(): Settled | undefined {
    const hold = this.peek();
    if (hold === undefined) return undefined;
    this.start += 1;
    if (this.start > 1024 && this.start * 2 > this.holds.length) {
      this.holds = this.holds.slice(this.start);
      this.start = 0;
    }
    return hold;
  }

  *[Symbol.iterator](): IterableIterator<Settled> {
    for (let index = this.start; index < this.holds.length; index += 1) yield this.holds[index]!;
  }
}
