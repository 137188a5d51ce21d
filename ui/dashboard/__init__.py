"""The pipeline dashboard and its chart."""
