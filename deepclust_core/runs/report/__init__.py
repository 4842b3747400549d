"""A self-contained HTML report of a stored run (html.py), with its animation of both spaces packed small
(animation.py)."""
from .html import curve_charts, html_report

__all__ = ["curve_charts", "html_report"]
