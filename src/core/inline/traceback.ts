/**
 * The frames of Python tracebacks in run output: `  File "path", line N, in name` (the format of
 * CPython's `traceback` module, https://docs.python.org/3/library/traceback.html).
 */

/** One frame: the file and line it names, and where the `"path", line N` text is (0-based). */
export interface TracebackFrame {
  file: string;
  /** 1-based line in the file. */
  line: number;
  /** 0-based line of the output holding the frame. */
  lineIndex: number;
  /** Columns of the linked text (from the opening quote to the line number's end), end exclusive. */
  start: number;
  end: number;
}

const FRAME = /^\s*File "([^"\n]+)", line (\d+)/;

/** The traceback frames of `text`, in order; frames of `<string>`-like pseudo files are left out. */
export function tracebackFrames(text: string): TracebackFrame[] {
  const frames: TracebackFrame[] = [];
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    const m = FRAME.exec(line);
    if (!m || m[1].startsWith('<')) {
      return;
    }
    const start = line.indexOf('"');
    frames.push({ file: m[1], line: Number(m[2]), lineIndex, start, end: m.index + m[0].length });
  });
  return frames;
}
