"""The program's frame: the main window, start-up checks and the error dialog."""
