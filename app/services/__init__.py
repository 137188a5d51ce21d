"""Use cases, one transaction each; they return plain dataclasses and raise domain errors."""
