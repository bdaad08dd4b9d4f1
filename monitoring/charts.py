"""Monitoring's charts come from ``core.charts`` (shared with mentoring's dashboard)."""

from core.charts import Bar, Chart, bar_chart

__all__ = ["Bar", "Chart", "bar_chart"]
