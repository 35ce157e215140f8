/**
 * The tag table of a TensorBoard run: interns tags by their UTF-8 bytes, so a repeated tag costs a
 * hash and a compare instead of a string decode and a map look-up, and predicts the next tag from
 * the last one (writers log tags in a fixed cycle, so one byte compare usually finds the tag
 * without hashing).
 */
import { newTagSeries, type TagSeries } from './tagSeries';

/** Tags of one run, in first-seen order, with FNV-1a hashing and successor prediction. */
export class TagTable {
  /** Tags in first-seen order. */
  readonly series: TagSeries[] = [];
  /** Index into {@link series} of the tag looked up last (−1 before the first). */
  previous = -1;
  /** Open-addressing tag table: slot → index into `series` (−1 empty), and the slot's hash. */
  private slotIndex = new Int32Array(64).fill(-1);
  private slotHash = new Int32Array(64);
  /** UTF-8 bytes of each tag, parallel to `series`. */
  private readonly tagBytes: Uint8Array[] = [];
  /** Successor prediction: `next[i]` is the index of the tag that followed tag i last time (−1: none yet). */
  private readonly next: number[] = [];
  private readonly decoder = new TextDecoder('utf-8');

  /** Index of the tag predicted to follow {@link previous}, or −1. */
  predicted(): number {
    const previous = this.previous;
    return previous >= 0 ? this.next[previous] : -1;
  }

  /**
   * Interns the tag `buf[start, end)`: the predicted successor when its bytes match, else FNV-1a
   * hash into an open-addressing table of indices into {@link series}, then a byte compare. No
   * string is made for a tag already seen. The tag becomes {@link previous}.
   */
  lookup(buf: Buffer, start: number, end: number): TagSeries {
    const previous = this.previous;
    if (previous >= 0) {
      const guess = this.next[previous];
      if (guess >= 0 && sameBytes(this.tagBytes[guess], buf, start, end)) {
        this.previous = guess;
        return this.series[guess];
      }
    }
    const index = this.find(buf, start, end);
    if (previous >= 0) {
      this.next[previous] = index;
    }
    this.previous = index;
    return this.series[index];
  }

  /** Index of the tag `buf[start, end)` in `series`, adding it when new. */
  private find(buf: Buffer, start: number, end: number): number {
    let hash = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) {
      hash = Math.imul(hash ^ buf[i], 0x01000193);
    }
    const slots = this.slotIndex;
    const mask = slots.length - 1;
    let slot = hash & mask;
    for (let index = slots[slot]; index >= 0; index = slots[slot]!) {
      if (this.slotHash[slot] === hash && sameBytes(this.tagBytes[index], buf, start, end)) {
        return index;
      }
      slot = (slot + 1) & mask;
    }
    const bytes = Uint8Array.prototype.slice.call(buf, start, end);
    const index = this.series.length;
    slots[slot] = index;
    this.slotHash[slot] = hash;
    this.series.push(newTagSeries(this.decoder.decode(bytes)));
    this.tagBytes.push(bytes);
    this.next.push(-1);
    if (this.series.length * 2 > slots.length) {
      this.rehash(slots.length * 2);
    }
    return index;
  }

  private rehash(size: number): void {
    const hashes = this.slotHash;
    const old = this.slotIndex;
    this.slotIndex = new Int32Array(size).fill(-1);
    this.slotHash = new Int32Array(size);
    const mask = size - 1;
    for (let s = 0; s < old.length; s++) {
      const index = old[s];
      if (index >= 0) {
        let slot = hashes[s] & mask;
        while (this.slotIndex[slot] >= 0) {
          slot = (slot + 1) & mask;
        }
        this.slotIndex[slot] = index;
        this.slotHash[slot] = hashes[s]!;
      }
    }
  }
}

function sameBytes(bytes: Uint8Array, buf: Buffer, start: number, end: number): boolean {
  if (bytes.length !== end - start) {
    return false;
  }
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== buf[start + i]) {
      return false;
    }
  }
  return true;
}
