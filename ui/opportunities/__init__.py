"""The opportunity screens: the list, the form and its sections, the stage bar, closing, walk-ins."""
