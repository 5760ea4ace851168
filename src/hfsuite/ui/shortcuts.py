"""Keyboard shortcuts: one table, used to bind actions and to list them in the help dialog."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

from hfsuite.ui.i18n import QT_TRANSLATE_NOOP

# Descriptions and scopes are English (code compares them); the shortcuts dialog shows them
# through translate("Shortcuts", …). The scopes are the tabs' titles, and "Everywhere".
EVERYWHERE = QT_TRANSLATE_NOOP("Shortcuts", "Everywhere")
DOWNLOADS = QT_TRANSLATE_NOOP("Shortcuts", "Downloads")
LOCAL_MODELS = QT_TRANSLATE_NOOP("Shortcuts", "Local models")
PROFILES = QT_TRANSLATE_NOOP("Shortcuts", "Profiles")
COMFYUI = QT_TRANSLATE_NOOP("Shortcuts", "ComfyUI")
ERRORS = QT_TRANSLATE_NOOP("Shortcuts", "Errors")


@dataclass(frozen=True)
class Shortcut:
    """One shortcut.

    Attributes:
        keys: Key sequence in portable text (``Ctrl+N``; Ctrl is ⌘ on macOS).
        description: What it does.
        scope: Where it works (``Everywhere`` or a tab's title).
    """

    keys: str
    description: str
    scope: str = EVERYWHERE

    def sequence(self) -> QKeySequence:
        """The key sequence."""
        return QKeySequence(self.keys)


SHORTCUTS: dict[str, Shortcut] = {
    "add": Shortcut("Ctrl+N", QT_TRANSLATE_NOOP("Shortcuts", "Add downloads (IDs or URLs)")),
    "paste": Shortcut(
        "Ctrl+Shift+V", QT_TRANSLATE_NOOP("Shortcuts", "Add what the clipboard holds")
    ),
    "search": Shortcut(
        "Ctrl+F", QT_TRANSLATE_NOOP("Shortcuts", "Search (Browse) or filter the list")
    ),
    "help": Shortcut("F1", QT_TRANSLATE_NOOP("Shortcuts", "Show keyboard shortcuts")),
    "errors": Shortcut(
        "Ctrl+E", QT_TRANSLATE_NOOP("Shortcuts", "Show the error inspector (every failure)")
    ),
    "stats": Shortcut(
        "Ctrl+Shift+T", QT_TRANSLATE_NOOP("Shortcuts", "Show the statistics dashboard")
    ),
    "compare": Shortcut(
        "Ctrl+Shift+M",
        QT_TRANSLATE_NOOP("Shortcuts", "Compare two models (repos, revisions or files)"),
    ),
    "quit": Shortcut("Ctrl+Q", QT_TRANSLATE_NOOP("Shortcuts", "Quit")),
    "toggle": Shortcut(
        "Space", QT_TRANSLATE_NOOP("Shortcuts", "Pause or resume the selected downloads"), DOWNLOADS
    ),
    "pause_all": Shortcut(
        "Ctrl+Shift+P", QT_TRANSLATE_NOOP("Shortcuts", "Pause all downloads"), DOWNLOADS
    ),
    "resume_all": Shortcut(
        "Ctrl+Shift+R", QT_TRANSLATE_NOOP("Shortcuts", "Resume all downloads"), DOWNLOADS
    ),
    "retry": Shortcut(
        "Ctrl+R", QT_TRANSLATE_NOOP("Shortcuts", "Retry the selected downloads"), DOWNLOADS
    ),
    "cancel": Shortcut(
        "Ctrl+.", QT_TRANSLATE_NOOP("Shortcuts", "Cancel the selected downloads"), DOWNLOADS
    ),
    "remove": Shortcut(
        "Delete",
        QT_TRANSLATE_NOOP("Shortcuts", "Remove the selected downloads (keep data)"),
        DOWNLOADS,
    ),
    "remove_data": Shortcut(
        "Shift+Delete", QT_TRANSLATE_NOOP("Shortcuts", "Remove and delete partial data"), DOWNLOADS
    ),
    "move_up": Shortcut(
        "Ctrl+Up", QT_TRANSLATE_NOOP("Shortcuts", "Move up in the queue"), DOWNLOADS
    ),
    "move_down": Shortcut(
        "Ctrl+Down", QT_TRANSLATE_NOOP("Shortcuts", "Move down in the queue"), DOWNLOADS
    ),
    "move_top": Shortcut(
        "Ctrl+Home", QT_TRANSLATE_NOOP("Shortcuts", "Move to the top of the queue"), DOWNLOADS
    ),
    "move_bottom": Shortcut(
        "Ctrl+End", QT_TRANSLATE_NOOP("Shortcuts", "Move to the bottom of the queue"), DOWNLOADS
    ),
    "open_folder": Shortcut(
        "Ctrl+O", QT_TRANSLATE_NOOP("Shortcuts", "Open the download folder"), DOWNLOADS
    ),
    "copy_url": Shortcut(
        "Ctrl+Shift+C", QT_TRANSLATE_NOOP("Shortcuts", "Copy the source URL"), DOWNLOADS
    ),
    "select_all": Shortcut(
        "Ctrl+A", QT_TRANSLATE_NOOP("Shortcuts", "Select every download"), DOWNLOADS
    ),
    # the Local models tab (ui/tabs/library.py binds these keys)
    "library_rescan": Shortcut(
        "F5", QT_TRANSLATE_NOOP("Shortcuts", "Scan every folder again"), LOCAL_MODELS
    ),
    "library_open_folder": Shortcut(
        "Ctrl+O", QT_TRANSLATE_NOOP("Shortcuts", "Open the file's folder"), LOCAL_MODELS
    ),
    "library_copy_path": Shortcut(
        "Ctrl+Shift+C", QT_TRANSLATE_NOOP("Shortcuts", "Copy the file's path"), LOCAL_MODELS
    ),
    "library_reveal": Shortcut(
        "Ctrl+D", QT_TRANSLATE_NOOP("Shortcuts", "Show the file's duplicates"), LOCAL_MODELS
    ),
    "library_cancel_scan": Shortcut(
        "Esc",
        QT_TRANSLATE_NOOP("Shortcuts", "Cancel the scan (what it found is kept)"),
        LOCAL_MODELS,
    ),
    "library_details": Shortcut(
        "Ctrl+I", QT_TRANSLATE_NOOP("Shortcuts", "Show or hide the details"), LOCAL_MODELS
    ),
    "library_files_view": Shortcut(
        "Alt+1", QT_TRANSLATE_NOOP("Shortcuts", "The indexed files"), LOCAL_MODELS
    ),
    "library_dupes_view": Shortcut(
        "Alt+2", QT_TRANSLATE_NOOP("Shortcuts", "The duplicates"), LOCAL_MODELS
    ),
    "library_find_dupes": Shortcut(
        "Ctrl+Shift+D", QT_TRANSLATE_NOOP("Shortcuts", "Find duplicates"), LOCAL_MODELS
    ),
    "library_reclaim": Shortcut(
        "Ctrl+Shift+K",
        QT_TRANSLATE_NOOP("Shortcuts", "Reclaim space taken by duplicates"),
        LOCAL_MODELS,
    ),
    "library_scan_folder": Shortcut(
        "Ctrl+Shift+O", QT_TRANSLATE_NOOP("Shortcuts", "Scan one folder"), LOCAL_MODELS
    ),
    # the Profiles tab
    "profile_add": Shortcut(
        "Ctrl+Shift+N", QT_TRANSLATE_NOOP("Shortcuts", "New profile"), PROFILES
    ),
    "profile_edit": Shortcut(
        "F2", QT_TRANSLATE_NOOP("Shortcuts", "Edit the selected profile"), PROFILES
    ),
    "profile_remove": Shortcut(
        "Delete", QT_TRANSLATE_NOOP("Shortcuts", "Remove the selected profile"), PROFILES
    ),
    "profile_detect": Shortcut(
        "F5", QT_TRANSLATE_NOOP("Shortcuts", "Detect tools again (and their profiles)"), PROFILES
    ),
    "profile_add_tool": Shortcut(
        "Ctrl+Shift+O", QT_TRANSLATE_NOOP("Shortcuts", "Add a tool folder"), PROFILES
    ),
    "profile_open_folder": Shortcut(
        "Ctrl+O", QT_TRANSLATE_NOOP("Shortcuts", "Open the selected folder"), PROFILES
    ),
    "profile_copy_path": Shortcut(
        "Ctrl+Shift+C", QT_TRANSLATE_NOOP("Shortcuts", "Copy the selected folder's path"), PROFILES
    ),
    "profile_share": Shortcut(
        "Ctrl+Shift+S",
        QT_TRANSLATE_NOOP("Shortcuts", "Share one tool's model folders with another"),
        PROFILES,
    ),
    # the ComfyUI tab (ui/tabs/comfyui.py binds these keys)
    "comfyui_open": Shortcut(
        "Ctrl+O", QT_TRANSLATE_NOOP("Shortcuts", "Open a workflow, image or video"), COMFYUI
    ),
    "comfyui_paste": Shortcut(
        "Ctrl+Shift+J",
        QT_TRANSLATE_NOOP("Shortcuts", "Check the workflow JSON on the clipboard"),
        COMFYUI,
    ),
    "comfyui_check": Shortcut(
        "F5", QT_TRANSLATE_NOOP("Shortcuts", "Check the workflow again"), COMFYUI
    ),
    "comfyui_download": Shortcut(
        "Ctrl+Return", QT_TRANSLATE_NOOP("Shortcuts", "Download the missing models"), COMFYUI
    ),
    "comfyui_copy_name": Shortcut(
        "Ctrl+Shift+C", QT_TRANSLATE_NOOP("Shortcuts", "Copy the file name"), COMFYUI
    ),
    "comfyui_open_folder": Shortcut(
        "Ctrl+Shift+O", QT_TRANSLATE_NOOP("Shortcuts", "Open the file's folder"), COMFYUI
    ),
    "comfyui_cancel": Shortcut(
        "Esc",
        QT_TRANSLATE_NOOP("Shortcuts", "Cancel Download missing (partial data kept)"),
        COMFYUI,
    ),
    # the error inspector
    "inspector_retry": Shortcut(
        "Ctrl+R", QT_TRANSLATE_NOOP("Shortcuts", "Retry the failed task (or scan again)"), ERRORS
    ),
    "inspector_copy": Shortcut(
        "Ctrl+Shift+C", QT_TRANSLATE_NOOP("Shortcuts", "Copy the report to the clipboard"), ERRORS
    ),
    "inspector_settings": Shortcut(
        "Ctrl+,", QT_TRANSLATE_NOOP("Shortcuts", "Open the settings"), ERRORS
    ),
    "inspector_filter": Shortcut(
        "Ctrl+F", QT_TRANSLATE_NOOP("Shortcuts", "Filter the failures"), ERRORS
    ),
}


def tab_shortcut(number: int) -> Shortcut:
    """``Ctrl+<number>`` switches to the number-th tab."""
    return Shortcut(f"Ctrl+{number}", f"Switch to tab {number}")


def key(name: str) -> QKeySequence:
    """The key sequence of a named shortcut."""
    return SHORTCUTS[name].sequence()


def native_text(name: str) -> str:
    """A shortcut as the platform writes it (for tooltips)."""
    return SHORTCUTS[name].sequence().toString(QKeySequence.SequenceFormat.NativeText)
