/**
 * Positions of `xlens.yaml` (core's 1-based {@link SourceRange}, from the `yaml` library) as VS Code ranges,
 * for the Problems panel and for opening the file at a task or a problem.
 */
import * as vscode from 'vscode';
import type { SourceRange } from '../core/config/types';

/** A 1-based source range as a VS Code (0-based) range. */
export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(
    Math.max(0, range.line - 1),
    Math.max(0, range.column - 1),
    Math.max(0, range.endLine - 1),
    Math.max(0, range.endColumn - 1),
  );
}
