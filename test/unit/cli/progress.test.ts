import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressLine } from '../../../src/cli/progress';

/** A terminal-like stream that records what is written. */
function terminal(isTTY: boolean) {
  const chunks: string[] = [];
  const out = {
    isTTY,
    columns: 60,
    write: (s: string) => (chunks.push(s), true),
  } as unknown as NodeJS.WritableStream & {
    isTTY: boolean;
  };
  return { out, chunks, text: () => chunks.join('') };
}

describe('progress line', () => {
  it('draws step and latest metrics in place, clearing itself before task output', () => {
    const { out, chunks } = terminal(true);
    const progress = new ProgressLine(out, 'epoch', true, 0);
    progress.start();
    progress.metric(3, { loss: 0.31234, val_accuracy: 0.875 });
    const line = chunks[chunks.length - 1];
    assert.ok(line.startsWith('\r\u001b[2K'), 'returns to the line start and clears it');
    assert.match(line, /epoch 3 · loss 0\.3123 · val_accuracy 0\.875/);
    chunks.length = 0;
    progress.write(out, 'epoch 4 done\n');
    assert.equal(chunks[0], '\r\x1b[2K', 'cleared before the output line');
    assert.equal(chunks[1], 'epoch 4 done\n');
    assert.match(chunks[2], /epoch 3/, 'redrawn below the output');
    chunks.length = 0;
    progress.write(out, 'partial line without newline');
    assert.equal(chunks.length, 2, 'not redrawn in the middle of a line');
    progress.stop();
  });

  it('redraws at most every minIntervalMs for bursts of metrics', async () => {
    const { out, chunks } = terminal(true);
    const progress = new ProgressLine(out, 'step', true, 50);
    for (let step = 0; step < 100; step++) {
      progress.metric(step, { loss: 1 / (step + 1) });
    }
    const draws = () => chunks.filter((c) => c.includes('step ')).length;
    assert.equal(draws(), 1);
    await new Promise((r) => setTimeout(r, 250)); // the 50 ms timer fires first, however loaded
    assert.equal(draws(), 2);
    assert.match(chunks[chunks.length - 1], /step 99 · loss 0\.01/);
    progress.stop();
  });

  it('keeps the line within the terminal width', () => {
    const { out, chunks } = terminal(true);
    const progress = new ProgressLine(out, 'step', true, 0);
    progress.metric(1, { a_very_long_metric_name: 1, another_long_metric_name: 2, third_long_name: 3 });
    // eslint-disable-next-line no-control-regex
    const visible = chunks[chunks.length - 1].replace(/\r|\x1b\[[0-9;]*[A-Za-z]/g, '');
    assert.ok(visible.length <= 59, visible);
    progress.stop();
  });

  it('writes nothing but the output off a terminal', () => {
    const { out, text } = terminal(false);
    const progress = new ProgressLine(out, 'step');
    progress.start();
    progress.metric(1, { loss: 1 });
    progress.write(out, 'hello\n');
    progress.stop();
    assert.equal(text(), 'hello\n');
  });
});
