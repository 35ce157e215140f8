/**
 * `xlens import --watch` from the start, through the real CLI process: it waits for a folder that
 * does not exist yet, follows a Lightning log created after it started, and with --json says `reset`
 * before re-sending a run whose metrics.csv Lightning rewrote with a wider header. The writes are the
 * ones the real Lightning 2.6.6 made (test/fixtures/lightning/csv_writes.jsonl), replayed in order.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'node:test';
import { tempDir } from '../../helpers/gitRepo';
import { lastStep, lightningPoints, lightningWrites } from '../../helpers/lightningCsv';
import { startXlens, waitFor } from '../../helpers/xlensProcess';

interface Line {
  /** Absent on lines of points. */
  event?: 'reset' | 'removed';
  run: string;
  metric?: string;
  points?: { step: number; value: number }[];
}

/** The JSON lines after the listing (a pretty-printed document ending with a `}` line). */
function eventLines(stdout: string): Line[] {
  const lines = stdout.split('\n');
  const end = lines.indexOf('}');
  return end < 0
    ? []
    : lines
        .slice(end + 1)
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line);
}

/** What a consumer appending the points holds: a reset drops what it holds for the run. */
function consumer(events: Line[]): Map<string, [number, number][]> {
  const held = new Map<string, [number, number][]>();
  for (const line of events) {
    if (line.event === 'reset') {
      held.clear(); // one run in this test
    } else if (line.event === undefined) {
      const points = line.points!.map((p): [number, number] => [p.step, p.value]);
      held.set(line.metric!, [...(held.get(line.metric!) ?? []), ...points]);
    }
  }
  return held;
}

describe('xlens import --watch from the start', () => {
  it('waits for the folder, follows a log created later, and says reset before a rewritten run is sent again', async () => {
    const ws = tempDir('xlens-import-watch-');
    const logs = join(ws, 'lightning_logs');
    const watch = startXlens(ws, ['import', 'lightning_logs', '--watch', '--json']);
    try {
      await waitFor('the wait for the folder', () =>
        /^Waiting for .*lightning_logs to appear/m.test(watch.output.stderr),
      );
      mkdirSync(join(logs, 'version_0'), { recursive: true });
      await waitFor('the listing', () => /^Watching 0 sources/m.test(watch.output.stderr));
      const file = join(logs, 'version_0/metrics.csv');
      let previous = '';
      for (const content of lightningWrites()) {
        // As Lightning does: rows appended, or the file rewritten whole ('w') when the header widens.
        if (content.startsWith(previous)) {
          appendFileSync(file, content.slice(previous.length));
        } else {
          writeFileSync(file, content);
        }
        previous = content;
        // Each write is read whole before the next: an appending consumer then holds exactly the file.
        const want = lightningPoints(content);
        await waitFor(`step ${lastStep(content)} followed`, () =>
          isDeepStrictEqual(consumer(eventLines(watch.output.stdout)), want),
        );
      }
      assert.match(watch.output.stderr, /^Following a new lightning-csv log: .*metrics\.csv$/m);
      // The first validation widened the header: one rewrite, seen as one reset or more (a read may
      // also fall between the truncation and the write); the consumer above ended exact either way.
      const resets = eventLines(watch.output.stdout).filter((l) => l.event === 'reset');
      assert.ok(resets.length >= 1, 'the rewrite was announced');
      assert.deepEqual(new Set(resets.map((l) => l.run)), new Set(['version_0']));
    } finally {
      watch.child.kill('SIGINT');
      await watch.done;
    }
  });
});
