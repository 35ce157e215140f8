/**
 * Strict UTF-8 decoding of files the user wrote (`xlens.yaml`, params files): a byte that is not
 * UTF-8 is refused with its position, where a lenient decoder would turn it into U+FFFD and change the
 * value (a command that then runs, a param recorded wrongly) without a word.
 */
import { UserInputError, formatLocation } from './errors';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** Where the first byte that is not UTF-8 is: 0-based byte offset, 1-based line and column. */
export interface Utf8Problem {
  offset: number;
  line: number;
  column: number;
}

/**
 * Finds the first invalid byte of `bytes`: walks the lenient decoding alongside the bytes; the first
 * U+FFFD that the bytes do not spell out (EF BF BD) is where decoding failed.
 * @returns undefined when all of `bytes` is UTF-8.
 */
export function firstInvalidUtf8(bytes: Uint8Array): Utf8Problem | undefined {
  const text = lenient.decode(bytes);
  let offset = 0;
  let line = 1;
  let column = 1;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (
      code === 0xfffd &&
      !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)
    ) {
      return { offset, line, column };
    }
    offset += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code === 0x0a) {
      line++;
      column = 1;
    } else {
      column += char.length; // UTF-16 units, as editors (and the yaml library) count columns
    }
  }
  return undefined;
}

/**
 * Decodes `bytes` as UTF-8 (a byte order mark is kept, as `readFile(file, 'utf8')` keeps it).
 * @param file the path named in the error.
 * @returns the text.
 * @throws UserInputError at the line and column of the first byte that is not UTF-8, naming its byte
 *   offset (0-based) and value, and the fix.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes) ?? { offset: bytes.length, line: 1, column: 1 };
    const byte = bytes[at.offset];
    const shown = byte === undefined ? 'the end of the file' : `byte 0x${byte.toString(16).padStart(2, '0')}`;
    throw new UserInputError(
      `${formatLocation(file, at.line, at.column)}: the file is not UTF-8: ${shown} at byte offset ${at.offset} is not part of a UTF-8 character. Save the file as UTF-8 (in VS Code: "Save with Encoding"), or write the character as a \\u escape in double quotes.`,
      { file, line: at.line, column: at.column },
    );
  }
}
