"""Light and dark themes: a Fusion palette, a small stylesheet, and colours for painted cells.

The palette carries the theme: delegates and widgets that paint ask :func:`colors_for` with
their palette, so there is no global "current theme" to keep in sync, and a widget re-painted
after a theme switch picks the new colours up by itself.

Check boxes (the file tables' ticks, the Add dialog's plan, settings switches) get an indicator
of their own: Fusion outlines them with a darker shade of the window colour, which in the dark
theme is nearly the colour of the table behind them. Ours have a visible border and an accent
fill with a white tick, painted once per process into small PNGs the stylesheet points at.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyleFactory

from hfsuite.core.types import TaskState

ThemeName = Literal["system", "light", "dark"]


@dataclass(frozen=True)
class ThemeColors:
    """The colours of one theme (hex strings)."""

    name: str
    window: str
    base: str
    alt_base: str
    raised: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    selection: str
    track: str
    success: str
    warning: str
    danger: str
    neutral: str

    def state_color(self, state: TaskState) -> QColor:
        """The colour of a task state (bars, pills)."""
        return QColor(
            {
                TaskState.RUNNING: self.accent,
                TaskState.COMPLETED: self.success,
                TaskState.PAUSED: self.warning,
                TaskState.FAILED: self.danger,
                TaskState.QUEUED: self.neutral,
                TaskState.CANCELLED: self.neutral,
            }[state]
        )


LIGHT = ThemeColors(
    name="light",
    window="#f3f4f6",
    base="#ffffff",
    alt_base="#f8fafc",
    raised="#ffffff",
    text="#1f2937",
    muted="#6b7280",
    border="#dde1e6",
    accent="#2563eb",
    accent_text="#ffffff",
    selection="#dbe7ff",
    track="#e5e7eb",
    success="#16a34a",
    warning="#d97706",
    danger="#dc2626",
    neutral="#8b95a3",
)

DARK = ThemeColors(
    name="dark",
    window="#1b1d21",
    base="#23262b",
    alt_base="#272a30",
    raised="#2c3036",
    text="#e5e7eb",
    muted="#9aa3af",
    border="#353a41",
    accent="#4f8ff7",
    accent_text="#ffffff",
    selection="#2d4266",
    track="#3a3f47",
    success="#34c36b",
    warning="#f0a43a",
    danger="#f06464",
    neutral="#7d8794",
)


def colors_for(palette: QPalette) -> ThemeColors:
    """The theme colours matching a palette (dark when its window colour is dark)."""
    return DARK if palette.color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT


def resolve(name: str) -> Literal["light", "dark"]:
    """``light`` or ``dark`` for a theme setting (``system`` asks the platform)."""
    if name in ("light", "dark"):
        return name  # type: ignore[return-value]
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication) and app.styleHints().colorScheme() is Qt.ColorScheme.Dark:
        return "dark"
    return "light"


def palette_of(colors: ThemeColors) -> QPalette:
    """A full palette for a theme (active, inactive and disabled groups)."""
    p = QPalette()
    role = QPalette.ColorRole
    p.setColor(role.Window, QColor(colors.window))
    p.setColor(role.WindowText, QColor(colors.text))
    p.setColor(role.Base, QColor(colors.base))
    p.setColor(role.AlternateBase, QColor(colors.alt_base))
    p.setColor(role.ToolTipBase, QColor(colors.raised))
    p.setColor(role.ToolTipText, QColor(colors.text))
    p.setColor(role.PlaceholderText, QColor(colors.muted))
    p.setColor(role.Text, QColor(colors.text))
    p.setColor(role.Button, QColor(colors.raised))
    p.setColor(role.ButtonText, QColor(colors.text))
    p.setColor(role.BrightText, QColor(colors.danger))
    p.setColor(role.Highlight, QColor(colors.selection))
    p.setColor(role.HighlightedText, QColor(colors.text))
    p.setColor(role.Link, QColor(colors.accent))
    p.setColor(role.Accent, QColor(colors.accent))
    p.setColor(role.Mid, QColor(colors.border))
    p.setColor(role.Midlight, QColor(colors.track))
    p.setColor(role.Dark, QColor(colors.border).darker(130))
    p.setColor(role.Shadow, QColor(0, 0, 0, 80))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(disabled, r, QColor(colors.muted))
    return p


_MARKS: dict[str, Path] = {}


def _mark_folder() -> Path:
    folder = _MARKS.get("")
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="hfsuite-theme-"))
        atexit.register(shutil.rmtree, folder, True)
        _MARKS[""] = folder
    return folder


def check_mark(kind: Literal["tick", "dash"], color: str = "#ffffff") -> Path:
    """A 14x14 (drawn at 3x) PNG of a tick or a dash, for checked and partly checked boxes."""
    key = f"{kind}-{color.lstrip('#')}"
    path = _MARKS.get(key)
    if path is not None and path.exists():
        return path
    scale = 3
    image = QImage(14 * scale, 14 * scale, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    pen = QPen(QColor(color), 2.0)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    if kind == "tick":
        painter.drawPolyline([QPointF(3.2, 7.4), QPointF(5.9, 10), QPointF(10.8, 4.2)])
    else:
        painter.drawLine(QPointF(3.5, 7), QPointF(10.5, 7))
    painter.end()
    path = _mark_folder() / f"{key}.png"
    image.save(str(path))
    _MARKS[key] = path
    return path


def indicator_stylesheet(c: ThemeColors) -> str:
    """Check box indicators with a visible border in both themes (see the module)."""
    tick = check_mark("tick", c.accent_text).as_posix()
    dash = check_mark("dash", c.accent_text).as_posix()
    views = ("QTableView", "QTreeView", "QListView", "QCheckBox")

    def every(state: str) -> str:
        return ", ".join(f"{v}::indicator{state}" for v in views)

    return f"""
{every("")} {{ width: 14px; height: 14px; border: 1px solid {c.muted};
    border-radius: 3px; background: {c.base}; }}
{every(":hover")} {{ border-color: {c.accent}; }}
{every(":checked")} {{ background: {c.accent}; border-color: {c.accent};
    image: url("{tick}"); }}
{every(":indeterminate")} {{ background: {c.accent}; border-color: {c.accent};
    image: url("{dash}"); }}
{every(":disabled")} {{ border-color: {c.track}; background: {c.window}; }}
{every(":checked:disabled")} {{ background: {c.neutral}; border-color: {c.neutral}; }}
"""


def stylesheet_of(c: ThemeColors) -> str:
    """The small stylesheet that rounds and spaces the Fusion look."""
    return (
        indicator_stylesheet(c)
        + f"""
QMainWindow, QDialog {{ background: {c.window}; }}
QToolTip {{ background: {c.raised}; color: {c.text}; border: 1px solid {c.border};
    padding: 4px 6px; border-radius: 4px; }}
QTabWidget::pane {{ border: none; border-top: 1px solid {c.border}; top: -1px; }}
QTabBar::tab {{ background: transparent; color: {c.muted}; padding: 8px 18px;
    border: none; border-bottom: 2px solid transparent; font-weight: 600; }}
QTabBar::tab:selected {{ color: {c.text}; border-bottom: 2px solid {c.accent}; }}
QTabBar::tab:hover:!selected {{ color: {c.text}; }}
QToolBar {{ background: {c.window}; border: none; spacing: 2px; padding: 4px 6px; }}
QToolBar QToolButton {{ border: 1px solid transparent; border-radius: 6px; padding: 4px 8px;
    color: {c.text}; }}
QToolBar QToolButton:hover {{ background: {c.raised}; border-color: {c.border}; }}
QToolBar QToolButton:pressed {{ background: {c.selection}; }}
QToolBar QToolButton:disabled {{ color: {c.muted}; }}
QToolButton#primary {{ background: {c.accent}; color: {c.accent_text};
    border-color: {c.accent}; font-weight: 600; }}
QToolButton#primary:hover {{ background: {c.accent}; border-color: {c.text}; }}
QTableView, QTreeView, QListView {{ background: {c.base}; alternate-background-color: {c.alt_base};
    border: 1px solid {c.border}; border-radius: 8px; gridline-color: transparent;
    selection-background-color: {c.selection}; selection-color: {c.text}; }}
QHeaderView {{ background: transparent; }}
QHeaderView::section {{ background: {c.base}; color: {c.muted}; border: none;
    border-bottom: 1px solid {c.border}; padding: 6px 8px; font-weight: 600; }}
QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QDoubleSpinBox, QComboBox {{
    background: {c.base}; color: {c.text}; border: 1px solid {c.border}; border-radius: 6px;
    padding: 4px 6px; selection-background-color: {c.accent}; selection-color: {c.accent_text}; }}
QAbstractSpinBox {{ padding: 1px 6px; min-height: 22px; }}
QDoubleSpinBox#global_limit::up-button, QDoubleSpinBox#global_limit::down-button {{
    width: 0px; border: none; }}
QToolButton#priority_button::menu-indicator, QToolButton#limit_presets::menu-indicator,
QToolButton#help_button::menu-indicator {{
    image: none; width: 0px; }}
QLineEdit:focus, QPlainTextEdit:focus, QSpinBox:focus, QComboBox:focus {{
    border-color: {c.accent}; }}
QPushButton {{ background: {c.raised}; color: {c.text}; border: 1px solid {c.border};
    border-radius: 6px; padding: 5px 14px; }}
QPushButton:hover {{ border-color: {c.accent}; }}
QPushButton:default, QPushButton#primary {{ background: {c.accent}; color: {c.accent_text};
    border-color: {c.accent}; font-weight: 600; }}
QPushButton:disabled {{ color: {c.muted}; background: {c.window}; }}
QStatusBar {{ background: {c.window}; color: {c.muted}; border-top: 1px solid {c.border}; }}
QStatusBar QLabel {{ color: {c.muted}; padding: 0 6px; }}
QStatusBar::item {{ border: none; }}
QSplitter::handle {{ background: transparent; }}
QFrame#card {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 8px; }}
QLabel#title {{ font-size: 15px; font-weight: 600; color: {c.text}; }}
QLabel#muted {{ color: {c.muted}; }}
QLabel#stat {{ font-size: 13px; font-weight: 600; color: {c.text}; }}
QPushButton#chip {{ background: transparent; border: 1px solid transparent; border-radius: 12px;
    padding: 3px 12px; color: {c.muted}; }}
QPushButton#chip:checked {{ background: {c.selection}; color: {c.text};
    border-color: {c.selection}; }}
QPushButton#chip:hover:!checked {{ color: {c.text}; }}
QFrame#toast {{ background: {c.raised}; border: 1px solid {c.border}; border-radius: 10px; }}
QFrame#toast[kind="error"] {{ border-left: 4px solid {c.danger}; }}
QFrame#toast[kind="info"] {{ border-left: 4px solid {c.accent}; }}
QFrame#toast QLabel {{ color: {c.text}; }}
QFrame#toast QPushButton {{ padding: 3px 10px; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: {c.track}; border-radius: 4px; min-height: 28px; }}
QScrollBar::handle:vertical:hover {{ background: {c.neutral}; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
QScrollBar::handle:horizontal {{ background: {c.track}; border-radius: 4px; min-width: 28px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}
QMenu {{ background: {c.raised}; color: {c.text}; border: 1px solid {c.border};
    border-radius: 6px; padding: 4px; }}
QMenu::item {{ padding: 5px 22px 5px 22px; border-radius: 4px; }}
QMenu::item:selected {{ background: {c.selection}; }}
QMenu::separator {{ height: 1px; background: {c.border}; margin: 4px 8px; }}
"""
    )


def apply_theme(app: QApplication, name: str) -> ThemeColors:
    """Apply a theme (``system``, ``light`` or ``dark``) to the whole application."""
    colors = DARK if resolve(name) == "dark" else LIGHT
    style = QStyleFactory.create("Fusion")
    if style is not None:
        app.setStyle(style)
    app.setPalette(palette_of(colors))
    app.setStyleSheet(stylesheet_of(colors))
    app.setProperty("hfsuite_theme", colors.name)
    return colors
