"""Activities: the activity dialog, the timeline and the agenda."""
