/**
 * The code of the editor previews, loaded on the first question a provider is asked
 * (`registration.ts`): the index and the providers that answer from it.
 */
import { ConfigAssist } from './configAssist';
import { InlineIndex } from './inlineIndex';
import { Previews } from './previews';
import type { RunFollowers } from '../../core/runs/runFollowers';
import type { RunsModel } from '../runs/runsModel';
import type { TasksModel } from '../tasks/tasksModel';
import type { ConfigService, InlineSettings } from '../../vscode/config';

/** What the previews need from the composition root. */
export interface InlineServices {
  /** The workspace root (the folder of `xlens.yaml`). */
  root: string;
  runs: RunsModel;
  tasks: TasksModel;
  /** The settings; the previews follow `inline` as it changes. */
  config: ConfigService;
  /** The shared run followers: the hover's sparkline of the latest run's steps reads them. */
  followers?: RunFollowers;
}

/** The index and its providers. */
export interface InlineFeature {
  index: InlineIndex;
  assist: ConfigAssist;
  previews: Previews;
  dispose(): void;
}

/** Builds the index over the models and the providers over the index. */
export function createInlineFeature(s: InlineServices, settings: InlineSettings): InlineFeature {
  const index = new InlineIndex(s.root, s.runs, s.tasks, settings, s.followers);
  return {
    index,
    assist: new ConfigAssist(index),
    previews: new Previews(index),
    dispose: () => index.dispose(),
  };
}
