"""The parts of the synthetic log generator (`faasguard.monitor.generate`).

app (the imaginary shop whose logs are generated: functions, routes, people),
ids (identifiers and addresses), writers (one per log format and delivery),
traffic (normal diurnal traffic), attacks (the planted attacks and their ground truth).
"""
