"""Aid teams and emergency teams: programmes, needs, the talent pool, the team composer, postings, emergencies, daily reports and inspections."""
