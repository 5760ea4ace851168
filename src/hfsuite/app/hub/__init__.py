"""Browsing the hubs: search, model info, and the API answer cache behind them."""
