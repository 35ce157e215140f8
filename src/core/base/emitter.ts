import type { Disposable } from './disposable';

/** A subscription function, shaped like VS Code's `Event<T>`. */
export type Event<T> = (
  listener: (value: T) => void,
  thisArg?: unknown,
  disposables?: Disposable[],
) => Disposable;

/**
 * A typed event source, shaped like VS Code's `EventEmitter<T>` so the extension can hand `event`
 * straight to APIs such as `TreeDataProvider.onDidChangeTreeData`.
 * A listener that throws does not stop the others; the error goes to `onListenerError`.
 */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();
  private disposed = false;

  constructor(private readonly onListenerError: (error: unknown) => void = (e) => console.error(e)) {}

  readonly event: Event<T> = (listener, thisArg, disposables) => {
    const bound = thisArg === undefined ? listener : listener.bind(thisArg);
    if (!this.disposed) {
      this.listeners.add(bound);
    }
    const subscription = { dispose: () => this.listeners.delete(bound) };
    disposables?.push(subscription);
    return subscription;
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
