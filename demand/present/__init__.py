"""How results reach people: the words and colours of a verdict (wording) and printable documents
(document). No data access."""
