"""Ward briefings (part 1: an officer's first-day-back document for one ward) and the
commander's breakdown (part 2: every ward of a district), after Staffordshire's Local Policing
Team Problem Solving Document.

- ``compose``: what a document says, as plain dataclasses, read through the gate as its reader;
- ``render``: the HTML (templates on the product's printable document) and the PDF of it;
- ``send``: the delivery file and SMTP, each recipient's copy produced for that recipient;
- ``settings``: the cadence, the delivery file and the mail server.
"""
