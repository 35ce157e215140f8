/**
 * The experiments table's tile worker: draws the canvas tiles the page asks for (tileJobs.ts) on an
 * `OffscreenCanvas`, one tile per task so new orders and drops are read between tiles, and sends each back
 * as a transferred `ImageBitmap`. It draws with the page's own code (gridDraw.ts), font and colours.
 *
 * Bundled into the table's page as text (scripts/esbuildOptions.mjs, `?worker`) and started from a `blob:`
 * URL (the table view's CSP allows `worker-src blob:`): VS Code serves a webview's files from another
 * origin than the page's, and a worker's script must be of the page's origin.
 */
import { drawTile, tileSize } from './gridDraw';
import type { TileSheet } from './tileRegion';
import { TextLook, type Look } from './gridLook';
import type { TileDrawn, TileJob, TileOrder } from './tileJobs';

const fitter = new TextLook();
let version = 0;
let sheet: TileSheet | undefined;
let look: Look | undefined;
/** Jobs to draw, in the order asked (nearest the view first). */
let queue: TileJob[] = [];
/** Canvases tiles are drawn on, by size (a transfer leaves one blank and ready for the next tile). */
const canvases = new Map<string, OffscreenCanvasRenderingContext2D>();
/** Runs the next job in a task of its own, after the orders that came meanwhile. */
const tick = new MessageChannel();
let scheduled = false;

self.addEventListener('message', (event: MessageEvent<TileOrder>) => {
  const order = event.data;
  if (order.version > version) {
    version = order.version;
    queue = [];
  }
  if (order.version < version) {
    return;
  }
  if (order.look !== undefined) {
    look = order.look;
    fitter.clear();
  }
  if (order.sheet !== undefined) {
    sheet = order.sheet;
    canvases.clear();
  }
  if (order.drop.length > 0) {
    const drop = new Set(order.drop);
    queue = queue.filter((job) => !drop.has(job.id));
  }
  queue.push(...order.jobs);
  schedule();
});

tick.port1.onmessage = () => {
  scheduled = false;
  const job = queue.shift();
  if (job !== undefined) {
    draw(job);
  }
  schedule();
};

function schedule(): void {
  if (!scheduled && queue.length > 0) {
    scheduled = true;
    tick.port2.postMessage(0);
  }
}

function draw(job: TileJob): void {
  let bitmap: ImageBitmap | null = null;
  if (sheet !== undefined && look !== undefined) {
    const { width, height } = tileSize(sheet, look, job.x, job.ratio);
    const id = `${width}x${height}`;
    let context = canvases.get(id);
    if (context === undefined) {
      if (canvases.size >= 4) {
        // Sizes of an older pixel ratio or layout.
        canvases.clear();
      }
      const made = new OffscreenCanvas(width, height).getContext('2d');
      if (made === null) {
        throw new Error('The tile worker needs a 2D OffscreenCanvas.');
      }
      context = made;
      canvases.set(id, context);
    }
    drawTile(fitter, look, context, sheet, job.x, job.y, job.rows, job.ratio);
    bitmap = context.canvas.transferToImageBitmap();
  }
  const drawn: TileDrawn = { key: job.key, id: job.id, bitmap };
  self.postMessage(drawn, { transfer: bitmap === null ? [] : [bitmap] });
}
