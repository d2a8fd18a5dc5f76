"""How results reach people: words, colours (and, in time, figures and maps). No data access."""
