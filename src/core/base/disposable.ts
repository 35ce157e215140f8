/**
 * A resource that can be released. Shaped like VS Code's `Disposable` so core objects pass straight
 * through the extension's adapters without wrapping.
 */
export interface Disposable {
  dispose(): void;
}

/** Wraps a callback as a {@link Disposable}; the callback runs at most once. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/**
 * Owns a set of disposables and releases them together, last added first.
 * Anything tracked after {@link DisposableStore.dispose} is disposed at once.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Adds `item` to the store and returns it, so construction and tracking read as one expression. */
  track<T extends Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) {
      throw errors[0];
    }
    if (errors.length > 1) {
      throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
    }
  }
}
