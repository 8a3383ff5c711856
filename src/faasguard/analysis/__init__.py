"""Analyses: facts derived once from the App model (taint flows, AWS calls, cost, endpoints)."""
