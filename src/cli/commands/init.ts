/** `xlens init`: writes a starter xlens.yaml (never over an existing one). */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserInputError } from '../../core/base/errors';
import { CONFIG_FILE } from '../../core/config/load';
import { STARTER_CONFIG } from '../../core/config/starter';
import { ExitCode, type CliCommand, type CliContext } from '../command';
import { parseCommandArgs } from '../workspace';

export const initCommand: CliCommand = {
  name: 'init',
  usage: `Usage: xlens init

Writes a commented starter xlens.yaml in the current folder (or --cwd). Refuses to overwrite one.`,
  async run(ctx: CliContext): Promise<ExitCode> {
    parseCommandArgs('init', ctx.args, {});
    const file = join(ctx.cwd, CONFIG_FILE);
    if (existsSync(file)) {
      throw new UserInputError(`${file} already exists; edit it, or remove it first to start over.`, {
        file,
      });
    }
    await writeFile(file, STARTER_CONFIG, { flag: 'wx' });
    ctx.stdout.write(`Created ${file}\nNext: edit the \`train\` task, then \`xlens run train\`.\n`);
    return ExitCode.ok;
  },
};
