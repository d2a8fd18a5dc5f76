"""Real data in: importers that turn a force's files into the extract contract and publish
them whole.

* ``police_uk``: data.police.uk street (and outcomes) files, for any force in England and Wales;
* ``extracts`` with ``mapping``: a force's own CSV, parquet or XLSX exports and a mapping file;
* ``sources``: finding and reading input files safely (folders, zips, CSV text, spreadsheets);
* ``wards``: which ward each row falls in (LSOA lookups, point in polygon) and the wards table;
* ``quarantine``: every row that was not loaded, with where it came from and why;
* ``report``: what an import did with every row, printed and kept with the data;
* ``tables``: writing the contract's tables;
* ``publish``: versioned releases behind one symbolic link, switched atomically;
* ``run``: import -> check -> snapshot -> switch, the one path every import takes.
"""
