import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  cutSheet,
  keyTile,
  LEAD,
  regionHolds,
  ScrollTrend,
  TILE_ROWS,
  tileKey,
  tileRegion,
  type TileSheet,
} from '../../../webviews/table/tileRegion';

/** 100 free columns 100 px wide after a 60 px pinned part, cut into tiles of two columns; rows 24 px. */
function sheet(): TileSheet {
  const starts = Float64Array.from({ length: 101 }, (_, i) => 60 + i * 100);
  return {
    free: [],
    pinned: [],
    leadWidth: 60,
    starts,
    tileColumns: Int32Array.from({ length: 51 }, (_, i) => Math.min(100, i * 2)),
    tileWidth: 200,
    rowHeight: 24,
    headerHeight: 30,
  };
}

const view = (scrollLeft: number, scrollTop: number) => ({ scrollLeft, scrollTop, width: 500, height: 400 });

describe('table tile regions', () => {
  it('keys round-trip for the pinned part and free tiles', () => {
    fc.assert(
      fc.property(fc.integer({ min: LEAD, max: 60_000 }), fc.integer({ min: 0, max: 100_000 }), (x, y) => {
        assert.deepEqual(keyTile(tileKey(x, y)), { x, y });
      }),
    );
  });

  it('holds the tiles in view and in its margin, clamped to the sheet', () => {
    const s = sheet();
    // In view: content x 0..500, the pinned part over the first 60 px: free content 60..500 shows columns
    // 0..4 (column 4 spans 460..560) → tiles 0..2.
    assert.deepEqual(tileRegion(s, 1000, view(0, 0), 0, 0), { x0: 0, x1: 2, y0: 0, y1: 1 });
    // 220 px each side: content up to 720, column 6 (tile 3); rows from 0 (clamped) to (400 + 96 - 1) / 192.
    assert.deepEqual(tileRegion(s, 1000, view(0, 0), 220, 96), { x0: 0, x1: 3, y0: 0, y1: 2 });
    // Scrolled 1,000 px right: content 1,060..1,500 in view, columns 10..14, tiles 5..7.
    assert.deepEqual(tileRegion(s, 1000, view(1000, 0), 0, 0), { x0: 5, x1: 7, y0: 0, y1: 1 });
    // At the far right and bottom the region ends at the last tile column and row.
    const end = tileRegion(s, 1000, view(1e6, 1e6), 120, 96);
    assert.equal(end.x1, 49);
    assert.equal(end.y1, Math.ceil(1000 / TILE_ROWS) - 1);
    // No free column: no free tile, the pinned part's still held.
    const none = { ...s, starts: Float64Array.of(60), tileColumns: Int32Array.of(0) };
    const region = tileRegion(none, 10, view(0, 0), 0, 0);
    assert.ok(region.x1 < region.x0);
    assert.equal(regionHolds(region, LEAD, 0), true);
    assert.equal(regionHolds(region, 0, 0), false);
  });
});

describe('tile sheet', () => {
  it('cuts the free columns into runs of whole columns about 256 px wide, a wider column alone', () => {
    const column = (width: number, index: number) => ({
      index,
      width,
      pinned: false,
      column: { key: `c${index}`, kind: 'param' as const, name: `c${index}` },
    });
    const free = [100, 100, 100, 400, 50, 50].map(column);
    const sheet = cutSheet({ free, pinned: [], leadWidth: 60 }, 24, 30);
    assert.deepEqual([...sheet.starts], [60, 160, 260, 360, 760, 810, 860]);
    // [0, 1] (200 px), [2] (a third would pass 256), [3] (400 px), [4, 5].
    assert.deepEqual([...sheet.tileColumns], [0, 2, 3, 4, 6]);
    assert.equal(sheet.tileWidth, 400);
    assert.deepEqual([...cutSheet({ free: [], pinned: [], leadWidth: 0 }, 24, 30).starts], [0]);
  });
});

describe('scroll trend', () => {
  it('says nothing before a step, nor once the last step is older than 100 ms', () => {
    const trend = new ScrollTrend();
    assert.deepEqual(trend.ahead(view(0, 0), 3, 0), []);
    assert.equal(trend.ahead(view(0, 480), 3, 16).length, 3);
    // Paints without a move (a hover, a frame the scroll events skipped) keep the trend for 100 ms.
    assert.equal(trend.ahead(view(0, 480), 3, 16).length, 3);
    assert.equal(trend.ahead(view(0, 480), 3, 50).length, 3);
    assert.deepEqual(trend.ahead(view(0, 480), 3, 117), []);
    // The next move starts a new trend of its own step only.
    assert.deepEqual(
      trend.ahead(view(0, 580), 1, 150).map((v) => v.scrollTop),
      [680],
    );
  });

  it('goes on as the last two steps did on average', () => {
    const trend = new ScrollTrend();
    trend.ahead(view(0, 0), 2, 0);
    trend.ahead(view(300, 480), 2, 16);
    const next = trend.ahead(view(300, 960), 2, 33);
    // Down 480 each frame; right 300 then 0: 150 a frame.
    assert.deepEqual(
      next.map((v) => [v.scrollLeft, v.scrollTop]),
      [
        [450, 1440],
        [600, 1920],
      ],
    );
  });

  it('forgets steps older than 100 ms, and a jump of more than twice the view', () => {
    const trend = new ScrollTrend();
    trend.ahead(view(0, 0), 1, 0);
    trend.ahead(view(0, 100), 1, 16);
    // 200 ms later, a step of 300: the old step of 100 is not averaged in.
    assert.deepEqual(
      trend.ahead(view(0, 400), 1, 216).map((v) => v.scrollTop),
      [700],
    );
    // A jump (End, a link to a row) says nothing of the next frames.
    assert.deepEqual(trend.ahead(view(0, 5000), 1, 233), []);
    assert.deepEqual(
      trend.ahead(view(0, 5100), 1, 250).map((v) => v.scrollTop),
      [5200],
    );
  });
});
