import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Commands, type CommandKey } from '../../../src/features/ids';
import {
  decideTrust,
  NEEDS_TRUST,
  restrictedModeMessage,
  TRUST_NEEDS,
} from '../../../src/features/trustPolicy';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const keys = Object.keys(Commands) as CommandKey[];

describe('commands in an untrusted workspace (Restricted Mode)', () => {
  it('blocks exactly the commands that start or signal processes, each with a message saying why', () => {
    const blocked = keys.filter((k) => !decideTrust(Commands[k], false).allowed).map((k) => Commands[k].id);
    assert.deepEqual(blocked.sort(), [
      'xlens.browseRunCode',
      'xlens.cancelRun',
      'xlens.checkoutRunCode',
      'xlens.compareCode',
      'xlens.createBranchFromRun',
      'xlens.pullRuns',
      'xlens.pushRuns',
      'xlens.queueTask',
      'xlens.reproduceRun',
      'xlens.rerun',
      'xlens.runTask',
      'xlens.runTaskWithParams',
    ]);
    assert.deepEqual(decideTrust(Commands.runTask, false), {
      allowed: false,
      message:
        'Running tasks is disabled in Restricted Mode: tasks run code from this workspace, so Experiment ' +
        'Lens runs them only in a trusted workspace. Browsing runs and dashboards still works.',
    });
    const cancel = decideTrust(Commands.cancelRun, false);
    assert.ok(!cancel.allowed && cancel.message.startsWith('Cancelling runs is disabled in Restricted Mode'));
    const rerun = decideTrust(Commands.rerun, false);
    assert.ok(!rerun.allowed && rerun.message.startsWith('Re-running runs is disabled'));
  });

  it('keeps browsing open: dashboards, output, drift reports, refresh, copy, reveal, delete, create config', () => {
    for (const key of keys.filter((k) => !NEEDS_TRUST.has(TRUST_NEEDS[k]))) {
      assert.deepEqual(decideTrust(Commands[key], false), { allowed: true }, Commands[key].id);
    }
    assert.deepEqual(decideTrust(Commands.openRunDashboard, false), { allowed: true });
    assert.deepEqual(decideTrust(Commands.showDriftReport, false), { allowed: true });
  });

  it('allows everything in a trusted workspace, and leaves ids that are not ours alone', () => {
    for (const key of keys) {
      assert.deepEqual(decideTrust(Commands[key], true), { allowed: true }, Commands[key].id);
    }
    assert.deepEqual(decideTrust({ id: 'workbench.action.tasks.runTask' }, false), { allowed: true });
  });

  it('names the blocked action first, then why and what still works', () => {
    assert.match(
      restrictedModeMessage('Running tasks'),
      /^Running tasks is disabled in Restricted Mode: .*still works\.$/,
    );
  });
});

describe('package.json declares the limited support of untrusted workspaces', () => {
  it('says what Restricted Mode disables and ignores the workspace value of the scan setting', () => {
    const trust = pkg.capabilities.untrustedWorkspaces as {
      supported: unknown;
      description: string;
      restrictedConfigurations: string[];
    };
    assert.equal(trust.supported, 'limited');
    for (const key of keys.filter((k) => NEEDS_TRUST.has(TRUST_NEEDS[k]))) {
      assert.ok(trust.description.includes(Commands[key].title.replace(/…$/, '')), Commands[key].title);
    }
    assert.deepEqual(trust.restrictedConfigurations, ['xlens.imported.enabled']);
    const settings = Object.keys(pkg.contributes.configuration.properties as Record<string, unknown>);
    for (const name of trust.restrictedConfigurations) {
      assert.ok(settings.includes(name), `${name} is a contributed setting`);
      assert.ok(trust.description.includes(name), `the description names ${name}`);
    }
  });
});
