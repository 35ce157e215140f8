/**
 * A stand-in for a training process, run as a real child process by liveTail.test.ts: every
 * `intervalMs` it appends one record (step 1, 2, ...) to a log of each format in `<dir>` — MLflow
 * metric file, DVCLive TSV, Keras CSV, Lightning CSV, JSONL and a TensorBoard event file — and
 * prints `{"format", "step", "at"}` (Unix ms after the write) per record. CSV rows are written in two
 * pieces a few ms apart, as buffered loggers do, so readers see partial last lines.
 * Usage: node --import tsx liveTailWriter.ts <dir> <rounds> <intervalMs>
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventRecord, scalarEvent } from '../../src/core/metrics/tensorboard/eventWriter';

export const LIVE_FILES = {
  mlflow: 'mlruns/0/run1/metrics/train/loss',
  dvclive: 'dvclive/plots/metrics/loss.tsv',
  'keras-csv': 'keras/training.log',
  'lightning-csv': 'lightning_logs/version_0/metrics.csv',
  jsonl: 'xlens/run1/metrics.jsonl',
  tensorboard: 'tb/run1/events.out.tfevents.1700000000.host.1.0',
} as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const [dir, roundsText, intervalText] = process.argv.slice(2);
  const rounds = Number(roundsText);
  const interval = Number(intervalText);
  const file = (f: keyof typeof LIVE_FILES): string => join(dir, LIVE_FILES[f]);
  const done = (format: string, step: number): void => {
    process.stdout.write(`${JSON.stringify({ format, step, at: Date.now() })}\n`);
  };
  for (let step = 1; step <= rounds; step++) {
    const value = 1 / (step + 1);
    appendFileSync(file('mlflow'), `${Date.now()} ${value} ${step}\n`);
    done('mlflow', step);
    appendFileSync(file('jsonl'), `${JSON.stringify({ step, time: Date.now(), values: { loss: value } })}\n`);
    done('jsonl', step);
    appendFileSync(file('tensorboard'), eventRecord(scalarEvent('loss', step, value, Date.now() / 1000)));
    done('tensorboard', step);
    // Two-part writes: the first part is a line without its newline.
    appendFileSync(file('dvclive'), `${step}\t${value}`.slice(0, 3));
    appendFileSync(file('keras-csv'), `${step},${value}`.slice(0, 3));
    appendFileSync(file('lightning-csv'), `${step},${step},${value}`.slice(0, 3));
    await sleep(15);
    appendFileSync(file('dvclive'), `${`${step}\t${value}`.slice(3)}\n`);
    done('dvclive', step);
    appendFileSync(file('keras-csv'), `${`${step},${value}`.slice(3)}\n`);
    done('keras-csv', step);
    appendFileSync(file('lightning-csv'), `${`${step},${step},${value}`.slice(3)}\n`);
    done('lightning-csv', step);
    await sleep(interval);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
