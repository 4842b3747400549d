// A Plotly chart that stays mounted in the page: Streamlit calls this function again with each new figure
// (components v2, no frame), and Plotly.react applies it to the same plot as a change, so the zoom stays.
// Plotly.js is loaded once for the whole page: the copy already there (Streamlit's own st.plotly_chart sets
// window.Plotly once it has drawn a chart), or else from one <script> that the first chart adds (data.plotly: its
// URL). Each chart keeps the copy it was drawn with (chart.__plotly): a copy loaded later replaces window.Plotly.

function loadPlotly(url) {
  if (!window.__deepclustPlotly) {
    window.__deepclustPlotly = new Promise((resolve, reject) => {
      if (window.Plotly) return resolve(window.Plotly);
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__deepclustPlotly = null;  // the next figure tries again
        reject(new Error("Plotly.js did not load from " + url));
      };
      document.head.appendChild(script);
    });
  }
  return window.__deepclustPlotly;
}

function rowsOf(event) {
  // The data-set rows of a box or lasso selection: each point's first customdata value.
  // customdata is an array, or a typed array when the figure's data travelled as one.
  const points = (event && event.points) || [];
  const rows = points.map((p) => (p.customdata == null ? NaN : Number(typeof p.customdata === "object" ? p.customdata[0] : p.customdata)));
  return [...new Set(rows.filter(Number.isFinite))].sort((a, b) => a - b);
}

function layoutOf(figure, data) {
  const layout = Object.assign({autosize: true}, figure.layout, {template: JSON.parse(data.template)});
  layout.font = Object.assign({family: '"Source Sans Pro", "Source Sans 3", sans-serif'}, layout.font);
  if (data.fontSize) {  // the lecture layout's larger text, titles a little larger still
    layout.font = Object.assign({}, layout.font, {size: data.fontSize});
    const title = layout.title || {};
    layout.title = Object.assign({}, title, {font: Object.assign({size: Math.round(data.fontSize * 1.2)}, title.font)});
  }
  return layout;
}

const LINE_SPACING = 1.3;  // Plotly's, in font sizes
const BASELINE = 0.9;  // a one-line title's baseline below the chart's top edge, in font sizes (as Plotly puts it)
let measuring = null;  // the one canvas that measures every chart's title, made on first use

function textWidth(text, font) {
  measuring = measuring || document.createElement("canvas").getContext("2d");
  measuring.font = font;
  return measuring.measureText(text).width;
}

// A title wider than its chart wraps at its spaces onto more lines, the top margin a line taller for each line
// added: a narrow panel (a race's, the lecture layout with the sidebar open) keeps its whole title at its size,
// where Plotly cuts it at the chart's edge. Left to Plotly, a wrapped title's first line would move up and its
// last down onto the highest tick label; Plotly puts the first line's baseline at the title's `y` (whatever its
// anchor), so `y` keeps that line where a one-line title is and the lines added grow into the added margin. The
// title's text, `y`, anchor and the top margin for a chart `width` px wide.
function fittedTitle(layout, width) {
  const title = layout.title || {}, text = title.text || "", top = (layout.margin || {}).t ?? 100;
  const unchanged = {text, top, y: title.y ?? "auto", yanchor: title.yanchor ?? "auto"};
  if (!width || !text || text.includes("<br>")) return unchanged;
  const size = (title.font && title.font.size) || Math.round((layout.font.size || 12) * 1.4);  // Plotly's defaults
  const font = `${size}px ${(title.font && title.font.family) || layout.font.family}`;
  const room = width * (1 - (title.x ?? 0.05)) - 4;  // the template puts the title's left edge at 5 % of the width
  const lines = [];
  for (const word of text.split(" ")) {
    const longer = lines.length ? lines[lines.length - 1] + " " + word : word;
    if (lines.length && textWidth(longer, font) <= room) lines[lines.length - 1] = longer;
    else lines.push(word);
  }
  if (lines.length < 2) return unchanged;
  const added = (lines.length - 1) * Math.round(size * LINE_SPACING);
  return {text: lines.join("<br>"), top: top + added, y: 1 - BASELINE * size / (layout.height || 450),
          yanchor: "bottom"};
}

function withFittedTitle(layout, width) {
  const {text, top, y, yanchor} = fittedTitle(layout, width);
  return Object.assign({}, layout, {title: Object.assign({}, layout.title, {text, y, yanchor, yref: "container"}),
                                    margin: Object.assign({}, layout.margin, {t: top})});
}

// The page's layout changes (the sidebar collapsing or opening, a window resize) change the chart's width,
// mostly without a window resize event (Plotly's `responsive` follows only those): a ResizeObserver relays
// each to Plotly once the width settles (the sidebar slides for 0.3 s), and fits the title to the new width.
function followWidth(chart) {
  let width = chart.clientWidth, timer = null;
  new ResizeObserver(() => {
    if (chart.clientWidth === width || chart.clientWidth === 0) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      width = chart.clientWidth;
      if (!chart.__plotly) return;
      chart.__plotly.Plots.resize(chart).then(() => {
        const {text, top, y, yanchor} = fittedTitle(chart.__layout, width);
        if (text === ((chart.layout.title || {}).text || "")) return;
        return chart.__plotly.relayout(chart, {"title.text": text, "title.y": y, "title.yanchor": yanchor, "margin.t": top});
      });
    }, 100);
  }).observe(chart);
}

export default function ({data, parentElement, setStateValue}) {
  let chart = parentElement.querySelector(".deepclust-live-chart");
  if (!chart) {
    chart = document.createElement("div");
    chart.className = "deepclust-live-chart";
    parentElement.appendChild(chart);
    followWidth(chart);
  }
  // Called when the chart leaves the page (Streamlit calls the last one returned); an older call's cleanup can
  // come while the chart is still on the page, and must leave it be.
  const purge = () => { if (!chart.isConnected && chart.__plotly) chart.__plotly.purge(chart); };
  chart.__setState = setStateValue;  // the latest call's, for the listeners added once below
  const shown = data.spec + "|" + data.fontSize;
  if (chart.__shown === shown) return purge;  // the same figure again
  chart.__shown = shown;
  const figure = JSON.parse(data.spec);
  const layout = layoutOf(figure, data);
  // The div gets the figure's height: Plotly's resize takes the height from the div, and a div sized by its
  // content measures 0 px then, leaving the chart blank until its next figure.
  chart.style.height = (layout.height || 450) + "px";
  const config = JSON.parse(data.config);
  loadPlotly(data.plotly).then((Plotly) => {
    if (chart.__shown !== shown) return;  // a newer figure came while Plotly.js loaded
    chart.__plotly = chart.__plotly || Plotly;
    chart.__layout = layout;  // as the figure has it, for fitting its title to a new width
    return chart.__plotly.react(chart, figure.data, withFittedTitle(layout, chart.clientWidth), config).then(() => {
      if (data.selectable && !chart.__listening) {
        chart.__listening = true;
        const report = (event) => chart.__setState("selection", {selection: {points: rowsOf(event).map((row) => ({customdata: [row]}))}});
        chart.on("plotly_selected", report);
        chart.on("plotly_deselect", () => report(null));
      }
    });
  }).catch((error) => console.error("live chart:", error));
  return purge;
}
