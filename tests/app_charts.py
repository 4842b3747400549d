"""The charts an AppTest page drew: st.plotly_chart's and the live view's (ui/live_chart, a
custom component whose figure travels in its arguments)."""
import json

LIVE_CHART = "ui.live_chart.live_chart"


def figures(at) -> list[dict]:
    """Every chart's figure, as Plotly JSON."""
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]
    specs += [json.loads(chart.proto.json_args)["spec"] for chart in at.get("component_instance")
              if chart.proto.component_name == LIVE_CHART]
    return [json.loads(spec) for spec in specs]


def chart_titles(at) -> list[str]:
    titles = []
    for figure in figures(at):
        title = figure["layout"].get("title", {})
        titles.append(title.get("text", "") if isinstance(title, dict) else str(title))
    return titles
