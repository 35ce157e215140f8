/**
 * The editor previews as activation sees them: provider registrations whose code (the index, the
 * `yaml` parser, the pattern tables) loads on the first question a provider is asked, and the
 * `xlens.inline.*` settings, which take effect without a reload (the providers re-ask).
 *
 * A provider's path: this registration → `inlineCode.ts` (the index and the providers) → core.
 */
import * as vscode from 'vscode';
import { Emitter } from '../../core/base/emitter';
import type * as InlineCode from './inlineCode';
import type { InlineServices } from './inlineCode';

/** The documents of `xlens.yaml`. */
export const CONFIG_SELECTOR: vscode.DocumentSelector = { scheme: 'file', pattern: '**/xlens.yaml' };

/** Documents that may hold params or training code (filtered further by the providers). */
export const PREVIEW_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'yaml' },
  { scheme: 'file', language: 'json' },
  { scheme: 'file', language: 'jsonc' },
  { scheme: 'file', language: 'python' },
];

/** Run output documents (`.xlens/runs/<id>/output.log`, language `xlens-log`). */
export const LOG_SELECTOR: vscode.DocumentSelector = { language: 'xlens-log' };

/**
 * Registers the previews and the editing help of `xlens.yaml`.
 * @returns the registrations, for the composition root to track.
 */
export function registerInline(s: InlineServices): vscode.Disposable[] {
  const lensesChanged = new Emitter<void>();
  const hintsChanged = new Emitter<void>();
  let loaded: Promise<InlineCode.InlineFeature> | undefined;
  const code = (): Promise<InlineCode.InlineFeature> => {
    loaded ??= import('./inlineCode').then((m) => {
      const feature = m.createInlineFeature(s, s.config.current.inline);
      feature.index.onDidChange(() => {
        lensesChanged.fire();
        hintsChanged.fire();
      });
      return feature;
    });
    return loaded;
  };
  const assist = async <K extends keyof InlineCode.InlineFeature['assist']>(
    method: K,
    ...args: unknown[]
  ): Promise<unknown> => {
    const feature = await code();
    return (feature.assist[method] as (...a: unknown[]) => unknown).apply(feature.assist, args);
  };
  const previews = async <K extends keyof InlineCode.InlineFeature['previews']>(
    method: K,
    ...args: unknown[]
  ): Promise<unknown> => {
    const feature = await code();
    return (feature.previews[method] as (...a: unknown[]) => unknown).apply(feature.previews, args);
  };
  return [
    lensesChanged,
    hintsChanged,
    { dispose: () => void loaded?.then((f) => f.dispose()) },
    s.config.onDidChange((config) => {
      if (loaded) {
        void loaded.then((f) => f.index.setSettings(config.inline));
      } else {
        lensesChanged.fire();
        hintsChanged.fire();
      }
    }),
    vscode.languages.registerCompletionItemProvider(
      CONFIG_SELECTOR,
      { provideCompletionItems: (...a) => assist('provideCompletionItems', ...a) as never },
      ' ',
      '.',
      ':',
    ),
    vscode.languages.registerHoverProvider(CONFIG_SELECTOR, {
      provideHover: (...a) => assist('provideHover', ...a) as never,
    }),
    vscode.languages.registerDefinitionProvider(CONFIG_SELECTOR, {
      provideDefinition: (...a) => assist('provideDefinition', ...a) as never,
    }),
    vscode.languages.registerDocumentSymbolProvider(CONFIG_SELECTOR, {
      provideDocumentSymbols: (...a) => assist('provideDocumentSymbols', ...a) as never,
    }),
    vscode.languages.registerCodeActionsProvider(
      CONFIG_SELECTOR,
      { provideCodeActions: (...a) => assist('provideCodeActions', ...a) as never },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    vscode.languages.registerCodeLensProvider(PREVIEW_SELECTOR, {
      onDidChangeCodeLenses: lensesChanged.event,
      provideCodeLenses: (...a) => previews('provideCodeLenses', ...a) as never,
      resolveCodeLens: (...a) => previews('resolveCodeLens', ...a) as never,
    }),
    vscode.languages.registerInlayHintsProvider(PREVIEW_SELECTOR, {
      onDidChangeInlayHints: hintsChanged.event,
      provideInlayHints: (...a) => previews('provideInlayHints', ...a) as never,
    }),
    vscode.languages.registerHoverProvider(PREVIEW_SELECTOR, {
      provideHover: (...a) => previews('provideHover', ...a) as never,
    }),
    vscode.languages.registerDocumentLinkProvider(LOG_SELECTOR, {
      provideDocumentLinks: async (document) => (await import('./logLinks')).tracebackLinks(document, s.root),
    }),
  ];
}
