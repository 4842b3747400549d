// The deepclust HTML report's one script (deepclust_core/report.py writes it into the page): it loads
// plotly.js from its gzip, draws the curves, unpacks the animation (report_animation.py) into Plotly
// frames, and makes the per-row results downloadable. Everything is in the page: nothing is fetched.
async function gunzip(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

(async () => {
  const report = JSON.parse(document.getElementById("report-data").textContent);
  (0, eval)(new TextDecoder().decode(await gunzip(document.getElementById("plotly-js").textContent)));
  for (const chart of report.charts) {
    Plotly.newPlot(chart.id, chart.figure.data, chart.figure.layout, report.config);
  }
  await animation(report.animation, report.palette, report.config);
  for (const [key, link] of [["rows_csv", "rows-download"], ["profile_csv", "profile-download"]]) {
    if (!report[key]) continue;  // a run on images has no cluster profiles
    const csv = new TextDecoder().decode(await gunzip(report[key]));
    document.getElementById(link).href = URL.createObjectURL(new Blob([csv], {type: "text/csv"}));
  }
})();

async function animation(spec, palette, config) {
  const raw = await gunzip(spec.data);
  const nFrames = spec.frames.length, n = spec.n_points, k = spec.n_clusters;
  const size = nFrames * 4 * n;
  const low = raw.subarray(0, size), high = raw.subarray(size, 2 * size);
  const change = (j) => {  // zigzag-decoded: 0, 1, 2, 3, ... -> 0, -1, 1, -2, ...
    const zigzag = low[j] | (high[j] << 8);
    return (zigzag >>> 1) ^ -(zigzag & 1);
  };
  const idsAt = 2 * size;
  const ids = spec.id_bytes === 1 ? new Uint8Array(raw.buffer, idsAt, nFrames * n)
    : new Uint16Array(raw.buffer, idsAt, nFrames * n);
  const colours = [];
  for (let i = 0; i < k; i++) {
    const colour = palette[i % palette.length];
    colours.push([i / k, colour], [(i + 1) / k, colour]);
  }
  const points = (x, y, clusters) => ({
    type: "scatter", mode: "markers", x, y, showlegend: false, hovertemplate: "cluster %{marker.color}<extra></extra>",
    marker: {size: 5, color: clusters, colorscale: colours, cmin: -0.5, cmax: k - 0.5, opacity: 0.8},
  });
  const place = new Int32Array(4 * n);  // each coordinate's step, summed over the frames so far
  const frames = spec.frames.map((frame, f) => {
    const columns = [0, 1, 2, 3].map((c) => {
      const [low, high] = frame.ranges[c], scale = (high - low) / (spec.levels - 1);
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        place[c * n + i] += change((f * 4 + c) * n + i);
        values[i] = low + place[c * n + i] * scale;
      }
      return values;
    });
    const clusters = ids.subarray(f * n, (f + 1) * n);
    return {
      name: frame.name, traces: [0, 1],
      data: [points(columns[0], columns[1], clusters), points(columns[2], columns[3], clusters)],
      layout: {title: {text: frame.title}, xaxis2: {range: frame.ranges[2], title: {text: frame.axes[0]}},
               yaxis2: {range: frame.ranges[3], title: {text: frame.axes[1]}}},
    };
  });
  for (const frame of frames) Object.assign(frame.data[1], {xaxis: "x2", yaxis: "y2"});
  const legend = Array.from({length: k}, (_, i) => ({
    type: "scatter", mode: "markers", x: [null], y: [null], name: String(i),
    marker: {size: 8, color: palette[i % palette.length]},
  }));
  await Plotly.newPlot("animation", [...frames[nFrames - 1].data, ...legend], spec.layout, config);
  await Plotly.addFrames("animation", frames);
}
