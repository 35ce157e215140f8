/**
 * Long work of a command stops on the first Ctrl-C or SIGTERM (issue "Nothing lost, nothing escapes",
 * item 10): `xlens drift` of large files and `xlens import` of a large TensorBoard event file stop
 * while they read, with the usual "stopping" line, a short "cancelled" and exit 1 (a cancelled
 * command), never "unexpected error" or a stack trace, and print or write no report. The signal is sent once the CLI is reading the input (the file is open in the
 * process, seen in /proc), so the test waits for that state, not for a time.
 */
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/gitRepo';
import { startXlens, waitFor } from '../helpers/xlensProcess';

/** Whether process `pid` has `file` open (Linux /proc). */
function hasOpen(pid: number, file: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false;
  }
}

/** A CSV of about `mb` MB: four numeric columns. */
function largeCsv(mb: number, shift: number): string {
  const row = (i: number): string => `${i % 97},${(i * 7) % 13},${(i % 1000) / 7 + shift},${i}\n`;
  const block = Array.from({ length: 10_000 }, (_, i) => row(i)).join('');
  return `a,b,c,d\n${block.repeat(Math.ceil((mb * 1024 * 1024) / block.length))}`;
}

/** A real TensorBoard event file (see test/fixtures), repeated: a valid file of about `mb` MB. */
const TFEVENTS = join(
  __dirname,
  '../fixtures/tensorboard/Jhko725__Contact-Point-Detection/hall_of_fame/20200218/lightning_logs/tf/events.out.tfevents.1581707986.Joon-Development.6496.1',
);
function writeLargeEvents(file: string, mb: number): void {
  const block = Buffer.concat(Array<Buffer>(1000).fill(readFileSync(TFEVENTS)));
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < mb * 1024 * 1024; written += block.length) {
      writeSync(fd, block);
    }
  } finally {
    closeSync(fd);
  }
}

/** The end of a command stopped by `signal`: the two lines, exit 1, nothing printed. */
function assertCancelled(
  signal: string,
  result: { code: number | null; stdout: string; stderr: string },
): void {
  assert.match(result.stderr, new RegExp(`xlens: ${signal}: stopping\\.\\nxlens: cancelled\\.\\n$`));
  assert.doesNotMatch(result.stderr, /unexpected error|\n\s+at /);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '', 'no report printed');
}

describe('long work honours SIGINT and SIGTERM', { skip: !existsSync('/proc/self/fd') }, () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`xlens drift of large files stops on ${signal} while reading`, async () => {
      const dir = tempDir('xlens-cancel-drift-');
      const reference = join(dir, 'reference.csv');
      writeFileSync(reference, largeCsv(80, 0));
      writeFileSync(join(dir, 'current.csv'), largeCsv(80, 1));
      const drift = startXlens(dir, ['drift', 'reference.csv', 'current.csv', '--html', 'report.html']);
      await waitFor('the CLI to read the reference file', () => hasOpen(drift.child.pid!, reference));
      drift.child.kill(signal);
      assertCancelled(signal, await drift.done);
      assert.equal(existsSync(join(dir, 'report.html')), false, 'no report written');
    });

    it(`xlens import of a large TensorBoard file stops on ${signal} while reading`, async () => {
      const dir = tempDir('xlens-cancel-import-');
      const events = join(dir, 'events.out.tfevents.1700000000.host.1.0');
      writeLargeEvents(events, 120);
      const imported = startXlens(dir, ['import', events]);
      await waitFor('the CLI to read the event file', () => hasOpen(imported.child.pid!, events));
      imported.child.kill(signal);
      assertCancelled(signal, await imported.done);
    });
  }
});
