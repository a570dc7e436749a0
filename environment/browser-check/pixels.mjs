// Pixel measurements of screenshots, shared by notebook-ui.mjs and viewer-check.mjs: the PNGs are
// decoded inside the page (a browser has the decoder; node alone has none).

/** Luminance statistics of a PNG (base64), decoded in the page; at most maxColours distinct colours counted. */
export async function pixelStats(page, b64, maxColours) {
  return page.evaluate(async (data, cap) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + data;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0, sum = 0, sum2 = 0;
    const colours = new Set();
    for (let i = 0; i < px.length; i += 4) {
      const lum = 0.2126 * px[i] + 0.7152 * px[i + 1] + 0.0722 * px[i + 2];
      sum += lum; sum2 += lum * lum; n++;
      if (colours.size < cap) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    }
    const mean = sum / n;
    return { width: c.width, height: c.height, mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), colours: colours.size };
  }, b64, maxColours);
}

/** Fraction of pixels that differ between two PNGs (base64) of the same size. */
export async function pixelDiff(page, a, b) {
  return page.evaluate(async (x, y) => {
    async function px(data) {
      const img = new Image();
      img.src = 'data:image/png;base64,' + data;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      return ctx.getImageData(0, 0, c.width, c.height).data;
    }
    const p = await px(x), q = await px(y);
    if (p.length !== q.length) return 1;
    let diff = 0;
    for (let i = 0; i < p.length; i += 4) {
      if (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]) > 6) diff++;
    }
    return diff / (p.length / 4);
  }, a, b);
}
