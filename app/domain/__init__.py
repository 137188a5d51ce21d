"""Pure sales rules: money, VINs, validation, quotes, document snapshots; stdlib only."""
