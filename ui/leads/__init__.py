"""The lead screens: the list, the lead form and the lead import."""
