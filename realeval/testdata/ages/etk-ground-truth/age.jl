{"content": " Blonde treat - 22 Posted: 3 days ago Age: 22 Category: Escorts I am 22yrs, 34C-24-34, 5'6", "correct": ["22"], "annotated": ["22", "24", "34"]}
{"content": " Hostess wanted - 40 girls between 18-25 years old for events", "correct": ["18", "25"], "annotated": ["18", "25", "40"]}
{"content": " you must be at least 18 years of age to enter", "correct": ["18"]}
{"content": " nothing here", "correct": []}

