/**
 * The open panels of one kind of view, by key (a run id, a report key). Opening a key again reveals its
 * panel; a closed panel leaves the registry by itself. The composition root tracks each registry, so
 * deactivation disposes every open panel and with it what the panel follows (file watchers, poll
 * timers, metrics-worker watches). No `vscode` import: panels are anything with this shape.
 */
import type { Disposable } from '../core/base/disposable';
import type { Event } from '../core/base/emitter';

/** What the registry needs of a panel host ({@link WebviewHost} has it). */
export interface RegisteredPanel extends Disposable {
  readonly isDisposed: boolean;
  /** Fires once when the panel closes or is disposed. */
  readonly onDidDispose: Event<void>;
  readonly panel: { reveal(): void };
}

export class PanelRegistry<T extends RegisteredPanel> implements Disposable {
  private readonly open = new Map<string, T>();
  private disposed = false;

  /** The open panel of `key`, if any. */
  get(key: string): T | undefined {
    const host = this.open.get(key);
    return host && !host.isDisposed ? host : undefined;
  }

  /** True when `key` has an open panel. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Reveals and returns the open panel of `key`; undefined when there is none. */
  reveal(key: string): T | undefined {
    const host = this.get(key);
    host?.panel.reveal();
    return host;
  }

  /**
   * Registers `host` as the panel of `key` until it closes. After the registry was disposed, the host is
   * disposed at once (a panel opened while the extension shuts down).
   */
  add(key: string, host: T): T {
    if (this.disposed) {
      host.dispose();
      return host;
    }
    this.open.set(key, host);
    host.onDidDispose(() => {
      if (this.open.get(key) === host) {
        this.open.delete(key);
      }
    });
    return host;
  }

  /** The open panels, by key. */
  entries(): ReadonlyMap<string, T> {
    return this.open;
  }

  /** Disposes every open panel. */
  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    const hosts = [...this.open.values()];
    this.open.clear();
    for (const host of hosts) {
      host.dispose();
    }
  }
}
