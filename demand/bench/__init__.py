"""The side-by-side benchmark (``python -m demand bench``): the product's own calls against a
minimal hand-written DuckDB query (the floor) and a straightforward pandas implementation,
interleaved on the same data; page reruns; concurrent sessions; memory; the snapshot build.

A measurement, never a timed test: the suite only checks at small scale that it runs, writes
its report and that product, floor and pandas agree.
"""
