"""Moving contacts in and out: vCard, CSV, LinkedIn, JSON, iCalendar, Markdown."""
