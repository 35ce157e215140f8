/**
 * The params of one TensorBoard run folder: the HParams plugin's session start records in its event
 * files (`hparams.ts`) and, where Lightning's `TensorBoardLogger` wrote one, `hparams.yaml` beside
 * them (`save_hyperparameters()`; nested keys flattened as `a.b`). A key in both takes the YAML value,
 * which keeps nesting and types the plugin flattens.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParamValue } from '../../runs/types';
import type { ReadWarning } from '../series';
import { readYamlParams } from '../values';
import { dict } from '../../../shared/dict';
import type { TensorBoardRunReader } from './runReader';

/** Follows the params of one run folder across reads. */
export class TensorBoardRunParams {
  private yaml: Record<string, ParamValue> = dict();
  private yamlStamp = '';
  private sessionVersion = 0;

  constructor(private readonly dir: string) {}

  /**
   * The run's params after `reader`'s latest read.
   * @returns the params and whether they changed since the previous call (true on the first call
   *   that finds any).
   */
  async read(
    reader: TensorBoardRunReader,
    warnings: ReadWarning[],
  ): Promise<{ params: Record<string, ParamValue>; changed: boolean }> {
    let changed = reader.paramsVersion !== this.sessionVersion;
    this.sessionVersion = reader.paramsVersion;
    const file = join(this.dir, 'hparams.yaml');
    const info = await stat(file).catch(() => undefined);
    const stamp = info?.isFile() ? `${info.mtimeMs}:${info.size}` : '';
    if (stamp !== this.yamlStamp) {
      this.yamlStamp = stamp;
      this.yaml = (stamp ? await readYamlParams(file, warnings) : undefined) ?? dict();
      changed = true;
    }
    const params = dict<ParamValue>();
    Object.assign(params, reader.params, this.yaml);
    return { params, changed };
  }
}
