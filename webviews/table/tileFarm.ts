/**
 * The page's side of the table's tile worker (tileWorker.ts): asks it for tiles a scroll will need soon,
 * keeps those it sends back until the painter shows them, and forgets what is no longer wanted.
 *
 * Why: drawing the tiles that enter the view is most of a fast scroll's frame (about 500 texts a frame for
 * a scrollbar drag through 1,000 columns). A steady scroll says where the view goes next; the worker draws
 * those tiles on another core while the page draws the current frame, and the page then only shows
 * finished bitmaps. A tile that is not back in time is drawn by the page, as without the worker.
 *
 * When the worker cannot start (no `Worker` or `OffscreenCanvas`, or the CSP refuses it) or fails, every
 * tile is drawn by the page.
 */
import workerSource from './tileWorker?worker';
import type { Look } from './gridLook';
import type { TileRow } from './gridDraw';
import type { TileDrawn, TileJob, TileOrder } from './tileJobs';
import { keyTile, type TileSheet } from './tileRegion';

/** Time after which a tile asked for and not back counts as lost (the page draws it), ms. */
const PATIENCE_MS = 1000;
/**
 * Device pixels of the tiles back from the worker kept until shown, at most: 160 tiles of 256 × 192 px
 * (about 31 MB) at one device px per CSS px, a quarter of that at two.
 */
const READY_PIXELS = 160 * 256 * 192;

interface Asked {
  id: number;
  version: number;
  /** When it was asked, ms (`performance.now()`). */
  at: number;
}

interface Ready {
  version: number;
  bitmap: ImageBitmap;
}

/** Tiles asked of the tile worker, and those back from it, by tile key (`y × 65536 + x + 1`). */
export class TileFarm {
  private readonly asked = new Map<number, Asked>();
  private readonly ready = new Map<number, Ready>();
  private jobs: TileJob[] = [];
  private dropped: number[] = [];
  private nextId = 1;
  /** The device pixels of the bitmaps in {@link ready}. */
  private readyPixels = 0;
  /** The sheet and look the worker has (by identity): sent again when they are replaced. */
  private sentSheet: TileSheet | undefined;
  private sentLook: Look | undefined;
  private failed = false;

  /** Starts the worker; `undefined` when this page cannot run it (then the page draws every tile). */
  static start(): TileFarm | undefined {
    if (typeof Worker !== 'function' || typeof OffscreenCanvas !== 'function') {
      return undefined;
    }
    const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    try {
      return new TileFarm(new Worker(url, { name: 'experiments table tiles' }));
    } catch {
      return undefined;
    } finally {
      // The worker's script is the blob the URL named when the worker was made (the URL parser keeps a
      // blob URL's entry, HTML Living Standard, "Dedicated workers"): the URL is not needed after.
      URL.revokeObjectURL(url);
    }
  }

  private constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (event: MessageEvent<TileDrawn>) => this.receive(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail();
    });
    worker.addEventListener('messageerror', () => this.fail());
  }

  /** False once the worker failed: the page then draws every tile. */
  get alive(): boolean {
    return !this.failed;
  }

  /** How many bitmaps of `pixels` device pixels each the farm keeps at most. */
  capacity(pixels: number): number {
    return Math.floor(READY_PIXELS / Math.max(1, pixels));
  }

  /** The bitmap of tile `key` drawn for `version`, taken out of the farm (the caller shows or closes it). */
  take(key: number, version: number): ImageBitmap | undefined {
    const ready = this.ready.get(key);
    if (ready === undefined || ready.version !== version) {
      return undefined;
    }
    this.ready.delete(key);
    this.readyPixels -= ready.bitmap.width * ready.bitmap.height;
    return ready.bitmap;
  }

  /** Whether tile `key` of `version` is back, or asked and not yet lost. */
  has(key: number, version: number): boolean {
    return this.ready.get(key)?.version === version || this.waiting(key, version);
  }

  /** Whether tile `key` of `version` is asked and not back, asked at most {@link PATIENCE_MS} ago. */
  waiting(key: number, version: number): boolean {
    const asked = this.asked.get(key);
    return asked !== undefined && asked.version === version && performance.now() - asked.at <= PATIENCE_MS;
  }

  /** Whether tile `key` of `version` was asked more than {@link PATIENCE_MS} ago and is not back. */
  lost(key: number, version: number): boolean {
    const asked = this.asked.get(key);
    return asked !== undefined && asked.version === version && performance.now() - asked.at > PATIENCE_MS;
  }

  /** Asks for tile (`x`, `y`) of `version` with key `key`, drawn from `rows`; sent by {@link send}. */
  ask(key: number, version: number, x: number, y: number, ratio: number, rows: (TileRow | null)[]): void {
    this.forget(key);
    const id = this.nextId++;
    this.asked.set(key, { id, version, at: performance.now() });
    this.jobs.push({ key, id, x, y, ratio, rows });
  }

  /** Forgets tile `key`: its request is dropped, its bitmap closed. */
  forget(key: number): void {
    const asked = this.asked.get(key);
    if (asked !== undefined) {
      this.asked.delete(key);
      this.dropped.push(asked.id);
    }
    const ready = this.ready.get(key);
    if (ready !== undefined) {
      this.ready.delete(key);
      this.readyPixels -= ready.bitmap.width * ready.bitmap.height;
      ready.bitmap.close();
    }
  }

  /** Forgets the tiles of tile row `y` (a row in it is to be drawn differently). */
  forgetRow(y: number): void {
    for (const key of [...this.asked.keys(), ...this.ready.keys()]) {
      if (keyTile(key).y === y) {
        this.forget(key);
      }
    }
  }

  /** Forgets every tile not of `version` or not kept by `keep`. */
  keepOnly(version: number, keep: (key: number) => boolean): void {
    for (const [key, asked] of this.asked) {
      if (asked.version !== version || !keep(key)) {
        this.forget(key);
      }
    }
    for (const [key, ready] of this.ready) {
      if (ready.version !== version || !keep(key)) {
        this.forget(key);
      }
    }
  }

  /** Sends the tiles asked and dropped since the last call, with the sheet and look when they changed. */
  send(version: number, sheet: TileSheet, look: Look): void {
    if (this.failed || (this.jobs.length === 0 && this.dropped.length === 0)) {
      return;
    }
    const order: TileOrder = { version, jobs: this.jobs, drop: this.dropped };
    if (sheet !== this.sentSheet) {
      order.sheet = sheet;
      this.sentSheet = sheet;
    }
    if (look !== this.sentLook) {
      order.look = look;
      this.sentLook = look;
    }
    this.jobs = [];
    this.dropped = [];
    try {
      this.worker.postMessage(order);
    } catch {
      this.fail();
    }
  }

  /** Stops the worker and closes the bitmaps kept. */
  dispose(): void {
    this.fail();
  }

  private receive(drawn: TileDrawn): void {
    const asked = this.asked.get(drawn.key);
    if (asked === undefined || asked.id !== drawn.id || this.failed) {
      drawn.bitmap?.close();
      return;
    }
    this.asked.delete(drawn.key);
    if (drawn.bitmap === null) {
      // The worker had no sheet or look: it was sent none, which is a fault of the page's; draw here.
      this.fail();
      return;
    }
    this.ready.set(drawn.key, { version: asked.version, bitmap: drawn.bitmap });
    this.readyPixels += drawn.bitmap.width * drawn.bitmap.height;
    // Over the cap, the oldest go first (a Map keeps insertion order); never the one just back.
    for (const key of this.ready.keys()) {
      if (this.readyPixels <= READY_PIXELS || key === drawn.key) {
        break;
      }
      this.forget(key);
    }
  }

  private fail(): void {
    this.failed = true;
    this.worker.terminate();
    for (const ready of this.ready.values()) {
      ready.bitmap.close();
    }
    this.ready.clear();
    this.readyPixels = 0;
    this.asked.clear();
    this.jobs = [];
    this.dropped = [];
  }
}
