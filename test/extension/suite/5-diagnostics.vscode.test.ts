/**
 * A broken xlens.yaml shows as diagnostics at the offending line (no error popups), and fixing the
 * file clears them.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { waitFor, workspaceRoot } from './helpers';

describe('diagnostics for xlens.yaml', () => {
  const file = join(workspaceRoot(), 'xlens.yaml');
  const original = readFileSync(file, 'utf8');
  after(() => writeFileSync(file, original));

  it('marks a bad value at its line and clears the mark when the file is fixed', async () => {
    const uri = vscode.Uri.file(file);
    const lines = original.split('\n');
    const epochsLine = lines.findIndex((l) => /^\s+epochs:/.test(l));
    assert.ok(epochsLine >= 0, 'the example has an epochs line');
    lines[epochsLine] = lines[epochsLine].replace(/epochs:.*/, 'epochs: many');
    writeFileSync(file, lines.join('\n'));
    const diagnostics = await waitFor('diagnostics on xlens.yaml', () => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length > 0 ? found : undefined;
    });
    const atEpochs = diagnostics.find((d) => d.range.start.line === epochsLine);
    assert.ok(
      atEpochs,
      `a diagnostic on line ${epochsLine + 1}; got ${diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join(' | ')}`,
    );
    assert.equal(atEpochs.severity, vscode.DiagnosticSeverity.Error);
    assert.match(atEpochs.message, /epochs/);

    writeFileSync(file, original);
    await waitFor('the diagnostics to clear', () =>
      vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined,
    );
  });
});
