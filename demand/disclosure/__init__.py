"""Public exports: crime summaries for residents, partners and publication that never expose a
person, directly or by arithmetic.

* ``data``: the counts a summary is built from, read through the gate (``demand.reader``);
* ``suppression``: the disclosure-control method, once: the threshold rule, secondary
  suppression and the linear-programming audit (its reasoning is in its docstring);
* ``model``: the summary's tables as one suppression problem;
* ``summary``: the protected ``Summary`` (published figures only), its words and statistics;
* ``street_level``: data.police.uk rows under the same audit;
* ``formats``: CSV, XLSX, the one-page HTML (and PDF), the data.police.uk street files;
* ``export``: an export end to end (read as the user, protect, render, log, write).

The Export page (``views/export.py``) and ``python -m demand export`` (``demand/cli/export.py``)
go through ``export``. Import the modules themselves: this package imports nothing, so the read
gate can import ``data`` without a cycle.
"""
