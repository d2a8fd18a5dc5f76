"""Repeat demand: the logic behind the dashboard, usable without Streamlit."""

from demand.store import ExtractError, Problem, Scope, Store

__all__ = ["ExtractError", "Problem", "Scope", "Store"]
