"""The live view's figures name their lines in legends, not in labels on the plot (issue 24: "clustering starts"
and "AE + k-means ACC" sat on the curves and on each other), and the lecture layout's compact figures keep their
legends short and beneath the plot."""
import numpy as np

from ui.charts import curves_figure, points_figure


def test_the_reference_line_and_the_start_of_clustering_are_legend_entries_not_labels_on_the_plot():
    x = np.arange(1, 11)
    for compact in (False, True):
        figure = curves_figure(x, {"ACC": x / 10, "NMI": x / 20}, "ACC / NMI / ARI", 7, {"AE + k-means ACC": 0.4}, 5,
                               compact=compact).to_dict()
        assert not figure["layout"].get("annotations")
        named = {shape.get("name"): shape for shape in figure["layout"]["shapes"] if shape.get("showlegend")}
        assert set(named) == {"AE + k-means ACC", "clustering starts"}
        assert named["clustering starts"]["x0"] == 5 and named["AE + k-means ACC"]["y0"] == 0.4
        legends = {trace.get("legend", "legend") for trace in figure["data"]}
        assert legends == ({"legend2"} if compact else {"legend"})  # compact: the curves in a legend of their own
        assert bool(figure["layout"].get("xaxis", {}).get("title", {}).get("text")) is not compact


def test_a_compact_point_panel_lists_only_its_groups_in_rows_beneath_the_points():
    rng = np.random.default_rng(0)
    xy, groups = rng.normal(size=(60, 2)), np.arange(60) % 3
    wrong = groups == 1
    full = points_figure(xy, groups, ["0", "1", "2"], np.c_[np.arange(60)], "", "panel", ("UMAP 1", "UMAP 2"), wrong,
                         rng.normal(size=(3, 2)), legend_title="cluster").to_dict()
    compact = points_figure(xy, groups, ["0", "1", "2"], np.c_[np.arange(60)], "", "panel", ("UMAP 1", "UMAP 2"),
                            wrong, rng.normal(size=(3, 2)), legend_title="cluster", compact=True).to_dict()
    assert [t["name"] for t in full["data"] if t.get("showlegend", True)] == ["0", "1", "2", "misclustered", "centres"]
    assert full["layout"]["legend"]["title"]["text"] == "cluster"
    assert [t["name"] for t in compact["data"] if t.get("showlegend", True)] == ["0", "1", "2"]
    assert compact["layout"]["legend"]["orientation"] == "h" and compact["layout"]["legend"]["y"] == 0
    assert not any(compact["layout"].get(axis, {}).get("title", {}).get("text") for axis in ("xaxis", "yaxis"))
