"""The customer screens: the list, the customer form and dialog, duplicates, personal data."""
