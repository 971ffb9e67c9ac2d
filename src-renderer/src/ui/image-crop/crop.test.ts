import { describe, expect, it } from 'vitest';
import { clampCrop, cropForKey, initialCrop, MAX_ZOOM, moveBy, sourceSquare, zoomTo } from './crop';

describe('crop math', () => {
  it('when a landscape image opens, then the crop is the centred square of its height at zoom 1', () => {
    const c = initialCrop(400, 200, 100);
    expect(c).toMatchObject({ zoom: 1, x: -50, y: 0 });
    expect(sourceSquare(c)).toEqual({ sx: 100, sy: 0, size: 200 });
  });

  it('when a portrait image opens, then the crop is the centred square of its width', () => {
    expect(sourceSquare(initialCrop(300, 900, 150))).toEqual({ sx: 0, sy: 300, size: 300 });
  });

  it('when the image is dragged past an edge, then it stops where the image still covers the viewport', () => {
    const c = initialCrop(400, 200, 100);
    expect(sourceSquare(moveBy(c, 1000, 0))).toEqual({ sx: 0, sy: 0, size: 200 });
    expect(sourceSquare(moveBy(c, -1000, 0))).toEqual({ sx: 200, sy: 0, size: 200 });
    // At zoom 1 the short side fills the viewport: nothing to move vertically.
    expect(moveBy(c, 0, 30).y).toBe(0);
  });

  it('when zooming in, then the point under the centre stays and the square shrinks; the zoom stays in range', () => {
    const c = initialCrop(400, 400, 100);
    const z = zoomTo(c, 2);
    expect(sourceSquare(z)).toEqual({ sx: 100, sy: 100, size: 200 });
    expect(zoomTo(c, 99).zoom).toBe(MAX_ZOOM);
    expect(zoomTo(c, 0.1).zoom).toBe(1);
    // Zooming out again near an edge pulls the image back to cover the viewport.
    const corner = moveBy(z, 1000, 1000);
    expect(sourceSquare(zoomTo(corner, 1))).toEqual({ sx: 0, sy: 0, size: 400 });
  });

  it('when keys are pressed, then arrows move the picture (Shift 4×), +/- zoom, and other keys do nothing', () => {
    const c = zoomTo(initialCrop(400, 400, 100), 2);
    expect(cropForKey(c, 'ArrowLeft', false)?.x).toBe(c.x + 8);
    expect(cropForKey(c, 'ArrowDown', true)?.y).toBe(c.y - 32);
    expect(cropForKey(c, '+', false)?.zoom).toBeCloseTo(2.1);
    expect(cropForKey(c, '-', false)?.zoom).toBeCloseTo(1.9);
    expect(cropForKey(c, 'a', false)).toBeNull();
  });

  it('when a crop is out of range, then clamping brings it back', () => {
    expect(clampCrop({ imageWidth: 100, imageHeight: 100, viewport: 100, zoom: Number.NaN, x: 5, y: -500 })).toMatchObject({
      zoom: 1,
      x: 0,
      y: 0,
    });
  });
});
