"""What the office reads: the HTML report, compare pages, person explanations and itinerant weeks.

Reads plans and scenarios; knows no solver and no database."""
