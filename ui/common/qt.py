"""Qt's enum members the screens use, looked up once under short names: item models answer
data() for every visible cell on every repaint, and PySide6 builds an enum's Python type on
its first lookup. Imported by the screens, never by the main window's frame at start-up
(see ui/shell/main_window.py): building these types would slow the first paint.

QtPdf's members stay in ui/quotes/document_preview.py, so that only the preview loads it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHeaderView,
    QMessageBox,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QToolButton,
)

# Item-data roles of Qt's own (the application's are in ui/common/roles.py)
DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
FONT = Qt.ItemDataRole.FontRole
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole

# Item flags, orientation, sorting
EDITABLE = Qt.ItemFlag.ItemIsEditable
SELECTABLE = Qt.ItemFlag.ItemIsSelectable
ENABLED = Qt.ItemFlag.ItemIsEnabled
NO_ITEM_FLAGS = Qt.ItemFlag.NoItemFlags
ITEM_CHECKABLE = Qt.ItemFlag.ItemIsUserCheckable
CHECKED = Qt.CheckState.Checked
UNCHECKED = Qt.CheckState.Unchecked
HORIZONTAL = Qt.Orientation.Horizontal
VERTICAL = Qt.Orientation.Vertical
ASCENDING = Qt.SortOrder.AscendingOrder
DESCENDING = Qt.SortOrder.DescendingOrder

# Alignment: the flags for widgets, and as ints for data() (cheaper across the binding)
ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter
# A placeholder's words over an empty list: centred under its top, wrapped.
TOP_CENTRE_WRAPPED = int(
    Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
)
ALIGN_TOP = Qt.AlignmentFlag.AlignTop
ALIGN_BOTTOM = Qt.AlignmentFlag.AlignBottom
LABEL_ALIGN = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop  # form labels
RIGHT = int(ALIGN_RIGHT)
CENTER = int(ALIGN_CENTER)

# Keys, modifiers and events
KEY_RETURN = Qt.Key.Key_Return
KEY_ENTER = Qt.Key.Key_Enter
ENTER_KEYS = (KEY_RETURN, KEY_ENTER)
KEY_ESCAPE = Qt.Key.Key_Escape
KEY_UP = Qt.Key.Key_Up
KEY_DOWN = Qt.Key.Key_Down
KEY_DELETE = Qt.Key.Key_Delete
KEY_BACKSPACE = Qt.Key.Key_Backspace
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
KEYPAD_MODIFIER = Qt.KeyboardModifier.KeypadModifier
KEY_PRESS = QEvent.Type.KeyPress
SHOW_EVENT = QEvent.Type.Show
FOCUS_OUT = QEvent.Type.FocusOut
SAVE_KEYS = QKeySequence.StandardKey.Save
NATIVE_TEXT = QKeySequence.SequenceFormat.NativeText

# Focus: the reasons that mean the user moved on, not that another window came up
NO_FOCUS = Qt.FocusPolicy.NoFocus
CLICK_FOCUS = Qt.FocusPolicy.ClickFocus
USER_MOVES = (
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.MouseFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)

# Widgets, text and cursors
DELETE_ON_CLOSE = Qt.WidgetAttribute.WA_DeleteOnClose
PLAIN_TEXT = Qt.TextFormat.PlainText
SELECTABLE_BY_MOUSE = Qt.TextInteractionFlag.TextSelectableByMouse
LINKS_BY_MOUSE = Qt.TextInteractionFlag.LinksAccessibleByMouse
LINKS_BY_KEYBOARD = Qt.TextInteractionFlag.LinksAccessibleByKeyboard
LEFT_TO_RIGHT = Qt.LayoutDirection.LeftToRight
ELIDE_RIGHT = Qt.TextElideMode.ElideRight
SCROLL_BAR_OFF = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
CUSTOM_MENU = Qt.ContextMenuPolicy.CustomContextMenu
KEEP_ASPECT = Qt.AspectRatioMode.KeepAspectRatio
POINTING_HAND = Qt.CursorShape.PointingHandCursor
WAIT_CURSOR = Qt.CursorShape.WaitCursor
NO_FRAME = QFrame.Shape.NoFrame
STYLED_PANEL = QFrame.Shape.StyledPanel
FIXED = QSizePolicy.Policy.Fixed
EXPANDING = QSizePolicy.Policy.Expanding

# Painting
ANTIALIASING = QPainter.RenderHint.Antialiasing
NO_PEN = Qt.PenStyle.NoPen
DASH_LINE = Qt.PenStyle.DashLine
NO_BRUSH = Qt.BrushStyle.NoBrush
ODD_EVEN_FILL = Qt.FillRule.OddEvenFill
PALETTE_TEXT = QPalette.ColorRole.Text
PALETTE_HIGHLIGHTED_TEXT = QPalette.ColorRole.HighlightedText
PALETTE_PLACEHOLDER = QPalette.ColorRole.PlaceholderText
ITEM_VIEW_ITEM = QStyle.ControlElement.CE_ItemViewItem
STATE_SELECTED = QStyle.StateFlag.State_Selected

# Item views and their headers
SELECT_ROWS = QAbstractItemView.SelectionBehavior.SelectRows
SINGLE_SELECTION = QAbstractItemView.SelectionMode.SingleSelection
NO_SELECTION = QAbstractItemView.SelectionMode.NoSelection
NO_EDIT = QAbstractItemView.EditTrigger.NoEditTriggers
PER_PIXEL = QAbstractItemView.ScrollMode.ScrollPerPixel
STRETCH = QHeaderView.ResizeMode.Stretch
TO_CONTENTS = QHeaderView.ResizeMode.ResizeToContents
INTERACTIVE = QHeaderView.ResizeMode.Interactive
FIXED_SECTION = QHeaderView.ResizeMode.Fixed

# Fields: forms, pickers, dates, spin boxes
GROW_FIELDS = QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow
FORM_LABEL = QFormLayout.ItemRole.LabelRole
NO_INSERT = QComboBox.InsertPolicy.NoInsert
ADJUST_TO_MINIMUM = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
CASE_INSENSITIVE = Qt.CaseSensitivity.CaseInsensitive
MATCH_CONTAINS = Qt.MatchFlag.MatchContains
MATCH_FIXED = Qt.MatchFlag.MatchFixedString
POPUP_COMPLETION = QCompleter.CompletionMode.PopupCompletion
UNFILTERED_COMPLETION = QCompleter.CompletionMode.UnfilteredPopupCompletion
YEAR_SECTION = QDateEdit.Section.YearSection
NO_BUTTONS = QSpinBox.ButtonSymbols.NoButtons
UP_DOWN_ARROWS = QSpinBox.ButtonSymbols.UpDownArrows

# Dialogs: button boxes, message boxes, results
OK_BUTTON = QDialogButtonBox.StandardButton.Ok
SAVE_BUTTON = QDialogButtonBox.StandardButton.Save
CANCEL_BUTTON = QDialogButtonBox.StandardButton.Cancel
CLOSE_BUTTON = QDialogButtonBox.StandardButton.Close
ACCEPT_ROLE = QDialogButtonBox.ButtonRole.AcceptRole
REJECT_ROLE = QDialogButtonBox.ButtonRole.RejectRole
RESET_ROLE = QDialogButtonBox.ButtonRole.ResetRole
ACTION_ROLE = QDialogButtonBox.ButtonRole.ActionRole
SAVE = QMessageBox.StandardButton.Save
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel
YES = QMessageBox.StandardButton.Yes
NO = QMessageBox.StandardButton.No
ACCEPTED = QDialog.DialogCode.Accepted

INSTANT_POPUP = QToolButton.ToolButtonPopupMode.InstantPopup
TEXT_ONLY = Qt.ToolButtonStyle.ToolButtonTextOnly
