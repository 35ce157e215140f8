/**
 * File links in run output (`xlens-log` documents): Python traceback frames
 * (`File "train.py", line 12, in main`) open the file at that line. Relative paths resolve against
 * the workspace root (where tasks run by default).
 */
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { tracebackFrames } from '../../core/inline/traceback';

/** The links of `document`'s traceback frames. */
export function tracebackLinks(document: vscode.TextDocument, root: string): vscode.DocumentLink[] {
  return tracebackFrames(document.getText()).map((frame) => {
    const path = isAbsolute(frame.file) ? frame.file : join(root, frame.file);
    const target = vscode.Uri.file(path).with({ fragment: `L${frame.line}` });
    const link = new vscode.DocumentLink(
      new vscode.Range(frame.lineIndex, frame.start, frame.lineIndex, frame.end),
      target,
    );
    link.tooltip = `Open ${frame.file} at line ${frame.line}`;
    return link;
  });
}
