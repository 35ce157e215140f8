/**
 * Base of every webview panel host: creates the panel with the strict page of `html.ts`, limits local
 * resources to `dist/webviews` and `media`, validates inbound messages, and runs the ready gate —
 * nothing is posted until the view says `webview/ready`; then the host sends a full snapshot and
 * only afterwards updates. When a hidden panel's document is discarded and re-created, the view
 * says ready again and receives a fresh snapshot, so no update is ever lost or applied twice.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../core/base/disposable';
import { Emitter, type Event } from '../core/base/emitter';
import type { MessageOf } from '../protocol/messages';
import { bundleStartsWorkers, createNonce, renderWebviewHtml } from './html';

/** Where a panel comes from and how it looks. */
export interface WebviewPanelOptions {
  /** Registered view type, e.g. `xlens.dashboard` (also used by the panel serializer). */
  viewType: string;
  title: string;
  /** Bundle name under `dist/webviews/` (the folder name under `webviews/`). */
  bundle: string;
  extensionUri: vscode.Uri;
  /** Column to open in; default the active one. */
  column?: vscode.ViewColumn;
  /** Icon under `media/`, e.g. `media/dashboard.svg`. */
  iconPath?: string;
  /**
   * Keep the view's document while its tab is hidden (default false). Only for a view whose drawing
   * costs seconds each time it is shown again (the run dashboard), at the price of the document's
   * memory while hidden; every view still restores from `getState` after a reload.
   */
  retainContextWhenHidden?: boolean;
}

/** The only folders a webview may load files from. */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Webview options shared by new and restored panels. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: webviewResourceRoots(extensionUri),
    // The view keeps its state with setState/getState and gets a snapshot on every ready, so by
    // default its document need not stay alive while hidden (a panel may ask: `WebviewPanelOptions`).
    retainContextWhenHidden: false,
    enableFindWidget: true,
  };
}

/** Creates a panel configured as {@link webviewOptions} says. */
export function createWebviewPanel(options: WebviewPanelOptions): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    options.viewType,
    options.title,
    { viewColumn: options.column ?? vscode.ViewColumn.Active, preserveFocus: false },
    {
      ...webviewOptions(options.extensionUri),
      retainContextWhenHidden: options.retainContextWhenHidden === true,
    },
  );
  if (options.iconPath) {
    panel.iconPath = vscode.Uri.joinPath(options.extensionUri, options.iconPath);
  }
  return panel;
}

/** Every view map has the ready message. */
export interface ReadyMessages {
  'webview/ready': unknown;
}

/**
 * A panel talking the typed protocol of one view. Subclasses give the snapshot and handle the
 * other inbound messages; {@link post} drops messages until the view is ready (the snapshot
 * sent on ready carries the state they described).
 */
export abstract class WebviewHost<HostMap, ViewMap extends ReadyMessages> implements vscode.Disposable {
  protected readonly store = new DisposableStore();
  private ready = false;
  private disposed = false;
  private readonly onDidDisposeEmitter = this.store.track(new Emitter<void>());
  private readonly onDidSendSnapshotEmitter = this.store.track(new Emitter<void>());
  private readonly onDidRejectMessageEmitter = this.store.track(new Emitter<string>());

  /** Fires once when the panel closes or the host is disposed. */
  readonly onDidDispose: Event<void> = this.onDidDisposeEmitter.event;
  /** Fires after each snapshot was posted (the round-trip tests wait for it). */
  readonly onDidSendSnapshot: Event<void> = this.onDidSendSnapshotEmitter.event;
  /** Fires with the reason when an inbound message was rejected by validation. */
  readonly onDidRejectMessage: Event<string> = this.onDidRejectMessageEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly page: { title: string; bundle: string; extensionUri: vscode.Uri },
  ) {
    const webview = panel.webview;
    // Restored panels come with the options they were saved with; enforce ours again.
    webview.options = webviewOptions(page.extensionUri);
    this.store.track(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this.store.track(
      panel.onDidChangeViewState(({ webviewPanel }) => {
        // A hidden panel's document is discarded (unless retained); the re-created one sends ready again.
        if (!webviewPanel.visible && webviewPanel.options.retainContextWhenHidden !== true) {
          this.ready = false;
        }
      }),
    );
    this.store.track(panel.onDidDispose(() => this.dispose()));
  }

  /** Loads the page. Call once from the subclass constructor, after its fields are set. */
  protected load(): void {
    const webview = this.panel.webview;
    const scriptUri = webview.asWebviewUri(
      vscode.Uri.joinPath(this.page.extensionUri, 'dist', 'webviews', `${this.page.bundle}.js`),
    );
    webview.html = renderWebviewHtml({
      title: this.page.title,
      scriptUri: scriptUri.toString(),
      cspSource: webview.cspSource,
      nonce: createNonce(),
      workers: bundleStartsWorkers(this.page.bundle),
    });
  }

  /** True between the view's `webview/ready` and the next time it is hidden or disposed. */
  get isReady(): boolean {
    return this.ready;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Validates a raw inbound message: the typed message, or a string saying what is wrong. */
  protected abstract parseMessage(raw: unknown): MessageOf<ViewMap> | string;

  /**
   * The state, sent after every `webview/ready` and by {@link postSnapshot}: in full, or a first part
   * that the subclass completes once it has left ({@link snapshotPosted}). Call it only to post it.
   */
  protected abstract snapshot(): MessageOf<HostMap>;

  /** Handles a validated message other than `webview/ready`. */
  protected abstract handle(message: Exclude<MessageOf<ViewMap>, { type: 'webview/ready' }>): void;

  /** Posts to the view when it is ready; returns false when dropped. */
  protected post(message: MessageOf<HostMap>): boolean {
    if (!this.ready || this.disposed) {
      return false;
    }
    void this.panel.webview.postMessage(message);
    return true;
  }

  private receive(raw: unknown): void {
    if (this.disposed) {
      return;
    }
    const message = this.parseMessage(raw);
    if (typeof message === 'string') {
      this.onDidRejectMessageEmitter.fire(message);
      return;
    }
    if ((message as { type: string }).type === 'webview/ready') {
      this.sendSnapshot();
      return;
    }
    this.handle(message as Exclude<MessageOf<ViewMap>, { type: 'webview/ready' }>);
  }

  private sendSnapshot(): void {
    // Built synchronously from the host's model and posted before any later update: the webview
    // channel keeps order, so the view sees the snapshot, then exactly the changes after it.
    this.deliverSnapshot();
    this.ready = true;
    this.onDidSendSnapshotEmitter.fire();
  }

  /** Posts a new snapshot when the view is ready (the state changed as a whole); dropped otherwise. */
  protected postSnapshot(): void {
    if (this.ready && !this.disposed) {
      this.deliverSnapshot();
    }
  }

  private deliverSnapshot(): void {
    this.snapshotPosted(this.panel.webview.postMessage(this.snapshot()));
  }

  /**
   * Called after each snapshot was posted, with VS Code's delivery of it: resolves once the message
   * has left the extension host for the view (true), or was dropped (false). Nothing by default.
   */
  protected snapshotPosted(_delivery: Thenable<boolean>): void {
    // A subclass may follow a snapshot up once it is on its way.
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.ready = false;
    this.onDidDisposeEmitter.fire();
    this.store.dispose();
    this.panel.dispose();
  }
}
