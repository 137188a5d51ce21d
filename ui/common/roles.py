"""The item-data roles the screens' models and item widgets answer, one value each, so a
role name means the same thing in every list, table and picker."""

from __future__ import annotations

from PySide6.QtCore import Qt

# Where QComboBox.addItem(text, data) keeps `data`: the value an entry of a picker stands for.
VALUE_ROLE = int(Qt.ItemDataRole.UserRole)
ID_ROLE = VALUE_ROLE + 1  # the id of the record a row or an entry shows
SORT_ROLE = VALUE_ROLE + 2  # the raw value behind a cell (a number, a date), for sorting
ROW_ROLE = VALUE_ROLE + 3  # the whole row object (a service dataclass)
LABEL_ROLE = VALUE_ROLE + 4  # the text a picked entry leaves in its field
