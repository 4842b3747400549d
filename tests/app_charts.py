"""The charts an AppTest page drew: st.plotly_chart's and the live view's (ui/live_chart, a
components-v2 component whose figure travels in its data), and what they draw."""
import base64
import json

import numpy as np

LIVE_CHART = "deepclust.live_chart"


def figures(at) -> list[dict]:
    """Every chart's figure, as Plotly JSON."""
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]
    specs += [json.loads(chart.proto.json)["spec"] for chart in at.get("bidi_component")
              if chart.proto.component_name == LIVE_CHART]
    return [json.loads(spec) for spec in specs]


def title_of(figure: dict) -> str:
    title = figure["layout"].get("title", {})
    return title.get("text", "") if isinstance(title, dict) else str(title)


def chart_titles(at) -> list[str]:
    return [title_of(figure) for figure in figures(at)]


def by_title(at) -> dict[str, dict]:
    """Every titled chart by its title."""
    return {title_of(figure): figure for figure in figures(at) if title_of(figure)}


def values(array) -> np.ndarray:
    """A trace's array: a list, or Plotly's typed array ({"dtype", "bdata": base64, "shape"})."""
    if isinstance(array, dict):
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        return flat.reshape([int(n) for n in array["shape"].split(",")]) if "shape" in array else flat
    return np.asarray(array)


def points_drawn(figure: dict) -> int:
    """How many data points a panel draws: its marker traces' points, but the centres and the rings of the
    misclustered (ui/charts.py)."""
    return sum(len(values(trace["x"])) for trace in figure["data"] if trace.get("type") in ("scatter", "scattergl")
               and trace.get("mode") == "markers" and trace.get("name") not in ("centres", "misclustered"))
