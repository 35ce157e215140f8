/* global module */
// The few `vscode` API classes the editor previews construct (src/features/inline), for benchmarks
// that run the providers in plain Node: values only, shaped as the API documents them.
'use strict';
class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
  isEqual(other) {
    return other.line === this.line && other.character === this.character;
  }
  translate(lineDelta = 0, characterDelta = 0) {
    return new Position(this.line + lineDelta, this.character + characterDelta);
  }
}
class Range {
  constructor(a, b, c, d) {
    this.start = a instanceof Position ? a : new Position(a, b);
    this.end = a instanceof Position ? b : new Position(c, d);
  }
}
class CodeLens {
  constructor(range, command) {
    this.range = range;
    this.command = command;
  }
}
class InlayHint {
  constructor(position, label) {
    this.position = position;
    this.label = label;
  }
}
class Hover {
  constructor(contents, range) {
    this.contents = Array.isArray(contents) ? contents : [contents];
    this.range = range;
  }
}
class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
}
class Location {
  constructor(uri, range) {
    this.uri = uri;
    this.range = range;
  }
}
class DocumentSymbol {
  constructor(name, detail, kind, range, selectionRange) {
    Object.assign(this, { name, detail, kind, range, selectionRange, children: [] });
  }
}
const Uri = {
  file: (fsPath) => ({ scheme: 'file', fsPath, toString: () => `file://${fsPath}` }),
};
// Registrations are recorded, so a benchmark can time activation's registration and then ask the
// registered providers as the editor would.
const registered = [];
const register = (kind) => (selector, provider) => {
  registered.push({ kind, selector, provider });
  return { dispose: () => undefined };
};
const languages = {
  registered,
  registerCompletionItemProvider: register('completion'),
  registerHoverProvider: register('hover'),
  registerDefinitionProvider: register('definition'),
  registerDocumentSymbolProvider: register('symbols'),
  registerCodeActionsProvider: register('codeActions'),
  registerCodeLensProvider: register('codeLens'),
  registerInlayHintsProvider: register('inlayHints'),
  registerDocumentLinkProvider: register('links'),
};
module.exports = {
  languages,
  CodeActionKind: { QuickFix: { value: 'quickfix' } },
  Position,
  Range,
  CodeLens,
  InlayHint,
  Hover,
  MarkdownString,
  Location,
  DocumentSymbol,
  Uri,
  SymbolKind: { Function: 11, Field: 7 },
};
