"""Pure sales rules: money, VINs, validation, choices. Imports nothing but the stdlib."""
