import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import {
  COMMAND_CATEGORY,
  Commands,
  ContextKeys,
  TASK_TYPE,
  runContextValue,
  ViewItems,
  Views,
  WebviewTypes,
  type CommandSpec,
} from '../../../src/features/ids';
import { RUN_STATUSES, TASK_KINDS } from '../../../src/features/runLabels';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes;
const table: CommandSpec[] = Object.values(Commands);
const tableIds = new Set(table.map((c) => c.id));
const menus: [string, MenuEntry][] = Object.entries(contributes.menus as Record<string, MenuEntry[]>).flatMap(
  ([place, entries]) => entries.map((e): [string, MenuEntry] => [place, e]),
);
const whenClauses: string[] = [
  ...menus.map(([, e]) => e.when),
  ...contributes.keybindings.map((k: { when?: string }) => k.when),
  ...contributes.viewsWelcome.map((v: { when?: string }) => v.when),
].filter((w): w is string => typeof w === 'string');

describe('package.json contributions match the id table in src/features/ids.ts', () => {
  it('contributes exactly the commands of the table, with their titles, icons and category', () => {
    const contributed = contributes.commands as {
      command: string;
      title: string;
      category: string;
      icon?: string;
    }[];
    assert.deepEqual(contributed.map((c) => c.command).sort(), [...tableIds].sort());
    for (const spec of table) {
      const c = contributed.find((x) => x.command === spec.id)!;
      assert.equal(c.title, spec.title, `title of ${spec.id}`);
      assert.equal(c.category, COMMAND_CATEGORY, `category of ${spec.id}`);
      assert.equal(c.icon, spec.icon, `icon of ${spec.id}`);
    }
  });

  it('points every menu entry, keybinding and welcome link at a command of the table', () => {
    for (const [place, entry] of menus) {
      assert.ok(tableIds.has(entry.command), `${place} names unknown command ${entry.command}`);
    }
    for (const binding of contributes.keybindings as { command: string }[]) {
      assert.ok(tableIds.has(binding.command), `keybinding names unknown command ${binding.command}`);
    }
    for (const welcome of contributes.viewsWelcome as { contents: string }[]) {
      for (const [, id] of welcome.contents.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(tableIds.has(id), `welcome content links unknown command ${id}`);
      }
    }
  });

  it('gives an icon to every command shown inline or in a view title', () => {
    for (const [place, entry] of menus) {
      if (place === 'view/title' && entry.group?.startsWith('navigation')) {
        assert.ok(specOf(entry.command).icon, `${entry.command} in a view title needs an icon`);
      }
      if (entry.group?.startsWith('inline')) {
        assert.ok(specOf(entry.command).icon, `inline ${entry.command} needs an icon`);
      }
    }
  });

  it('declares the views and the container of the table', () => {
    const container = contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id);
    assert.deepEqual(container, [Views.container]);
    const views: string[] = contributes.views[Views.container].map((v: { id: string }) => v.id);
    const declared = new Set(views);
    assert.deepEqual(views, [Views.tasks, Views.runs]);
    for (const welcome of contributes.viewsWelcome as { view: string }[]) {
      assert.ok(declared.has(welcome.view), `welcome content for unknown view ${welcome.view}`);
    }
  });

  it('uses only context keys, view ids and tree item values the code sets', () => {
    const viewIds = new Set<string>(Object.values(Views));
    const keys = new Set<string>(Object.values(ContextKeys));
    const itemValues = new Set<string>([
      ViewItems.task,
      ViewItems.configProblem,
      ViewItems.commit,
      ViewItems.importedGroup,
      ViewItems.importedRun,
      ...RUN_STATUSES.flatMap((s) => TASK_KINDS.map((k) => runContextValue(s, k))),
    ]);
    for (const when of whenClauses) {
      for (const [name] of when.matchAll(/\bxlens\.[\w.]+/g)) {
        assert.ok(viewIds.has(name) || keys.has(name), `"${when}" reads unknown key ${name}`);
      }
      for (const [, value] of when.matchAll(/viewItem == ([\w.]+)/g)) {
        assert.ok(itemValues.has(value), `"${when}" matches unknown tree item ${value}`);
      }
      for (const [, pattern] of when.matchAll(/viewItem =~ \/(.+?)\/(?=\s|$)/g)) {
        const re = new RegExp(pattern);
        assert.ok(
          [...itemValues].some((v) => re.test(v)),
          `"${when}" matches no tree item`,
        );
      }
    }
    const offeredOn = (command: string, group: string): string[] => {
      const entry = menus.find(([, e]) => e.command === command && e.group?.startsWith(group));
      assert.ok(entry, `${command} is in the ${group} group of a menu`);
      const pattern = new RegExp(/viewItem =~ \/(.+?)\/(?=\s|$)/.exec(entry[1].when!)![1]);
      return [...itemValues].filter((v) => pattern.test(v)).sort();
    };
    assert.deepEqual(
      offeredOn(Commands.cancelRun.id, 'inline'),
      TASK_KINDS.flatMap((k) => [runContextValue('queued', k), runContextValue('running', k)]).sort(),
      'Cancel is offered exactly for queued and running runs, of every kind',
    );
    assert.deepEqual(
      offeredOn(Commands.showDriftReport.id, '1_open'),
      ['run.succeeded.kind.drift'],
      'Show Drift Report is offered exactly on finished drift runs',
    );
    assert.equal(
      offeredOn(Commands.openRunDashboard.id, '1_open').length,
      RUN_STATUSES.length * TASK_KINDS.length,
      'Open Run Dashboard is offered on every run',
    );
  });

  it('activates on xlens.yaml and declares the task type, trust and schema', () => {
    // Views and commands activate implicitly; tasks and restored dashboards and drift reports need their own events.
    assert.deepEqual(pkg.activationEvents, [
      'workspaceContains:xlens.yaml',
      `onTaskType:${TASK_TYPE}`,
      ...Object.values(WebviewTypes).map((type) => `onWebviewPanel:${type}`),
    ]);
    assert.equal(pkg.main, './dist/extension.js');
    assert.deepEqual(
      contributes.taskDefinitions.map((d: { type: string; required: string[] }) => [d.type, d.required]),
      [[TASK_TYPE, ['task']]],
    );
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(contributes.yamlValidation, [
      { fileMatch: 'xlens.yaml', url: './schemas/xlens.schema.json' },
    ]);
  });
});

describe('package.json settings match the typed config object in src/vscode/config.ts', () => {
  it('reads every contributed setting, with the same default', () => {
    const source = readFileSync(join(root, 'src', 'vscode', 'config.ts'), 'utf8');
    const properties = contributes.configuration.properties as Record<string, { default: unknown }>;
    assert.ok(Object.keys(properties).length >= 3);
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(key.startsWith('xlens.'), `${key} is outside the xlens section`);
      const name = key.slice('xlens.'.length);
      const read = new RegExp(`c\\.get<[^>]+>\\('${name.replace(/\./g, '\\.')}', ([^)]+)\\)`).exec(source);
      assert.ok(read, `src/vscode/config.ts does not read ${key}`);
      assert.deepEqual(JSON.parse(read[1]), property.default, `default of ${key}`);
    }
  });
});

function specOf(id: string): CommandSpec {
  const found = table.find((c) => c.id === id);
  assert.ok(found, `no command ${id}`);
  return found;
}

describe('webview view types come from the id table', () => {
  it('spells no view type outside src/features/ids.ts', () => {
    const types = Object.values(WebviewTypes);
    assert.deepEqual(types, ['xlens.dashboard', 'xlens.drift', 'xlens.compare', 'xlens.table']);
    const table = join(root, 'src', 'features', 'ids.ts');
    const offenders: string[] = [];
    const visit = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          visit(path);
        } else if (entry.name.endsWith('.ts') && path !== table) {
          const text = readFileSync(path, 'utf8');
          for (const type of types) {
            if (text.includes(`'${type}'`) || text.includes(`"${type}"`)) {
              offenders.push(`${relative(root, path)} spells '${type}'`);
            }
          }
        }
      }
    };
    visit(join(root, 'src'));
    assert.deepEqual(offenders, [], 'use WebviewTypes from src/features/ids.ts');
  });
});
