/**
 * Strict UTF-8 decoding of streamed files. Invalid bytes are an error naming the file, line and byte
 * offset, never silently replaced by U+FFFD.
 */
import { UserInputError } from '../base/errors';

/**
 * Index of the first byte of `bytes` that starts an invalid UTF-8 sequence (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), or -1. A sequence cut off by the end of `bytes` is invalid
 * only when `final` is true.
 */
export function findInvalidUtf8(bytes: Uint8Array, final: boolean): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + need >= bytes.length) {
      // Cut off by the end of the chunk: invalid if final, or if a present byte is not a continuation.
      if (final) {
        return i;
      }
      for (let k = i + 1; k < bytes.length; k++) {
        if ((bytes[k] & 0xc0) !== 0x80) {
          return i;
        }
      }
      return -1;
    }
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) {
        return i;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Decodes a byte stream chunk by chunk, counting lines so an invalid byte can be located. */
export class StrictUtf8Decoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private carry = new Uint8Array(0);
  private newlines = 0;
  private bytes = 0;

  constructor(private readonly file: string) {}

  /**
   * @throws UserInputError naming file, line and byte offset at the first invalid byte.
   */
  decode(chunk: Uint8Array, final = false): string {
    try {
      const text = this.decoder.decode(chunk, { stream: !final });
      this.track(chunk);
      return text;
    } catch {
      throw this.locate(chunk, final);
    }
  }

  private track(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 0x0a) {
        this.newlines++;
      }
    }
    this.bytes += chunk.length;
    // Keep the unfinished sequence at the end (at most 3 bytes) to locate errors that straddle chunks.
    let start = chunk.length;
    for (let back = 1; back <= Math.min(3, chunk.length); back++) {
      const b = chunk[chunk.length - back];
      if ((b & 0xc0) !== 0x80) {
        if (b >= 0xc0) {
          start = chunk.length - back;
        }
        break;
      }
    }
    this.carry = chunk.slice(start);
  }

  private locate(chunk: Uint8Array, final: boolean): UserInputError {
    const joined = new Uint8Array(this.carry.length + chunk.length);
    joined.set(this.carry);
    joined.set(chunk, this.carry.length);
    let at = findInvalidUtf8(joined, final);
    if (at < 0) {
      at = joined.length - 1;
    }
    let line = this.newlines + 1;
    for (let i = this.carry.length; i < at; i++) {
      if (joined[i] === 0x0a) {
        line++;
      }
    }
    const offset = this.bytes - this.carry.length + at;
    const hex = joined[at].toString(16).padStart(2, '0');
    return new UserInputError(
      `${this.file}:${line}: the file is not valid UTF-8 (byte 0x${hex} at byte offset ${offset}). ` +
        `Save it as UTF-8, e.g. "iconv -f latin1 -t utf-8 in.csv > out.csv".`,
      { file: this.file, line },
    );
  }
}
