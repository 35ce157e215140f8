/**
 * Values as W&B writes them (JSON text with `NaN`/`Infinity` spellings) and the cache of item names
 * the record walk of `runState.ts` uses.
 */
/**
 * A W&B JSON value as a number: finite numbers, and `NaN`, `Infinity`, `-Infinity` as W&B writes
 * non-finite floats. `undefined` for anything that is not a number (strings, booleans, objects).
 */
export function wandbNumber(text: string): number | undefined {
  const c = text.charCodeAt(0);
  // A JSON number starts with a digit or '-'; Number() accepts more (hex, blanks), so the lead is checked.
  if ((c >= 48 && c <= 57) || c === 45) {
    const n = Number(text);
    if (!Number.isNaN(n)) {
      return n;
    }
    return text === '-Infinity' ? Number.NEGATIVE_INFINITY : undefined;
  }
  if (text === 'NaN') {
    return Number.NaN;
  }
  return text === 'Infinity' ? Number.POSITIVE_INFINITY : undefined;
}

/** A W&B JSON value as data (`NaN`/`Infinity` tokens, which JSON lacks, read as strings). */
export function parseJsonValue(text: string): unknown {
  const n = wandbNumber(text);
  if (n !== undefined) {
    return Number.isFinite(n) ? n : text;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The display text of a summary value: strings unquoted, everything else its JSON text. */
export function summaryText(text: string): string {
  if (text.startsWith('"')) {
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'string') {
        return value;
      }
    } catch {
      // Shown as written.
    }
  }
  return text;
}

/**
 * Item names by the bytes of their key fields: a small open hash (FNV-1a of the bytes) whose entries
 * keep a copy of the bytes, compared on every hit. Bounded: when full, it starts over.
 */
export class NameCache {
  private readonly slots = new Map<number, { bytes: Uint8Array; name: string }>();

  get(buf: Uint8Array, start: number, end: number): string | undefined {
    const entry = this.slots.get(hash(buf, start, end));
    if (!entry || entry.bytes.length !== end - start) {
      return undefined;
    }
    for (let i = 0; i < entry.bytes.length; i++) {
      if (entry.bytes[i] !== buf[start + i]) {
        return undefined;
      }
    }
    return entry.name;
  }

  set(buf: Uint8Array, start: number, end: number, name: string): void {
    const h = hash(buf, start, end);
    if (this.slots.size >= 4096) {
      this.slots.clear();
    }
    this.slots.set(h, { bytes: buf.slice(start, end), name });
  }
}

function hash(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h = Math.imul(h ^ buf[i], 0x01000193);
  }
  return h >>> 0;
}
