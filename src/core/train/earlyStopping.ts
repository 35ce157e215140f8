/**
 * Early stopping of the built-in trainer, with the semantics of Keras' `EarlyStopping` callback
 * (keras.io/api/callbacks/early_stopping): an epoch improves when the monitored value beats the best
 * so far by more than `minDelta`; training stops at the end of an epoch that does not improve once
 * `patience` epochs in a row have not improved (`wait >= patience`). Whether lower or higher is better
 * comes from the metric's name by the same rule as run summaries (`metricGoal`), unless `mode` says.
 */
import { metricGoal } from '../runs/summaries';

/** What {@link EarlyStopping.update} decided for an epoch. */
export type EarlyStoppingStep = 'improved' | 'waiting' | 'stop';

export interface EarlyStoppingOptions {
  /** Metric watched, e.g. `val_loss`. */
  monitor: string;
  /** Epochs without improvement tolerated before stopping (an integer ≥ 0). */
  patience: number;
  /** Smallest change that counts as an improvement (≥ 0; default 0). */
  minDelta?: number;
  /** `min`, `max`, or `auto` (default): from the name, as `metricGoal` decides for summaries. */
  mode?: 'min' | 'max' | 'auto';
}

/** Tracks the monitored metric epoch by epoch. */
export class EarlyStopping {
  /** Whether lower (`min`) or higher (`max`) values are better. */
  readonly goal: 'min' | 'max';
  /** Best value so far (±Infinity before the first finite one). */
  best: number;
  /** Epoch of the best value (0 before any improvement). */
  bestEpoch = 0;
  /** Epochs in a row without improvement. */
  wait = 0;
  private readonly minDelta: number;

  constructor(private readonly options: EarlyStoppingOptions) {
    const mode = options.mode ?? 'auto';
    this.goal = mode === 'auto' ? metricGoal(options.monitor) : mode;
    this.best = this.goal === 'min' ? Infinity : -Infinity;
    this.minDelta = Math.abs(options.minDelta ?? 0);
  }

  /**
   * Takes the monitored value of `epoch` (1-based). A value that is not finite (diverged training)
   * never improves.
   */
  update(epoch: number, value: number): EarlyStoppingStep {
    const improved =
      Number.isFinite(value) &&
      (this.goal === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return 'improved';
    }
    this.wait++;
    return this.wait >= this.options.patience ? 'stop' : 'waiting';
  }
}
