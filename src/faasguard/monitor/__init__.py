"""faasguard's log monitor: readers turn logs into normalised events, detectors into alerts.

The entry point for reading is `faasguard.monitor.read.iter_events`; the event table is
`faasguard.monitor.events.Event` / `EVENT_COLUMNS`. Nothing here imports the scanner at
import time (the real-time handler runs inside Lambda).
"""
