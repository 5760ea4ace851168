"""Keyboard shortcuts: one table, used to bind actions and to list them in the help dialog."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence


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
    scope: str = "Everywhere"

    def sequence(self) -> QKeySequence:
        """The key sequence."""
        return QKeySequence(self.keys)


SHORTCUTS: dict[str, Shortcut] = {
    "add": Shortcut("Ctrl+N", "Add downloads (IDs or URLs)"),
    "paste": Shortcut("Ctrl+Shift+V", "Add what the clipboard holds"),
    "search": Shortcut("Ctrl+F", "Search (Browse) or filter the list"),
    "help": Shortcut("F1", "Show keyboard shortcuts"),
    "errors": Shortcut("Ctrl+E", "Show the error inspector (every failure)"),
    "stats": Shortcut("Ctrl+Shift+T", "Show the statistics dashboard"),
    "compare": Shortcut("Ctrl+Shift+M", "Compare two models (repos, revisions or files)"),
    "quit": Shortcut("Ctrl+Q", "Quit"),
    "toggle": Shortcut("Space", "Pause or resume the selected downloads", "Downloads"),
    "pause_all": Shortcut("Ctrl+Shift+P", "Pause all downloads", "Downloads"),
    "resume_all": Shortcut("Ctrl+Shift+R", "Resume all downloads", "Downloads"),
    "retry": Shortcut("Ctrl+R", "Retry the selected downloads", "Downloads"),
    "cancel": Shortcut("Ctrl+.", "Cancel the selected downloads", "Downloads"),
    "remove": Shortcut("Delete", "Remove the selected downloads (keep data)", "Downloads"),
    "remove_data": Shortcut("Shift+Delete", "Remove and delete partial data", "Downloads"),
    "move_up": Shortcut("Ctrl+Up", "Move up in the queue", "Downloads"),
    "move_down": Shortcut("Ctrl+Down", "Move down in the queue", "Downloads"),
    "move_top": Shortcut("Ctrl+Home", "Move to the top of the queue", "Downloads"),
    "move_bottom": Shortcut("Ctrl+End", "Move to the bottom of the queue", "Downloads"),
    "open_folder": Shortcut("Ctrl+O", "Open the download folder", "Downloads"),
    "copy_url": Shortcut("Ctrl+Shift+C", "Copy the source URL", "Downloads"),
    "select_all": Shortcut("Ctrl+A", "Select every download", "Downloads"),
    # the Local models tab (ui/tabs/library.py binds these keys)
    "library_rescan": Shortcut("F5", "Scan every folder again", "Local models"),
    "library_open_folder": Shortcut("Ctrl+O", "Open the file's folder", "Local models"),
    "library_copy_path": Shortcut("Ctrl+Shift+C", "Copy the file's path", "Local models"),
    "library_reveal": Shortcut("Ctrl+D", "Show the file's duplicates", "Local models"),
    "library_cancel_scan": Shortcut(
        "Esc", "Cancel the scan (what it found is kept)", "Local models"
    ),
    "library_details": Shortcut("Ctrl+I", "Show or hide the details", "Local models"),
    "library_files_view": Shortcut("Alt+1", "The indexed files", "Local models"),
    "library_dupes_view": Shortcut("Alt+2", "The duplicates", "Local models"),
    "library_find_dupes": Shortcut("Ctrl+Shift+D", "Find duplicates", "Local models"),
    "library_reclaim": Shortcut(
        "Ctrl+Shift+K", "Reclaim space taken by duplicates", "Local models"
    ),
    "library_scan_folder": Shortcut("Ctrl+Shift+O", "Scan one folder", "Local models"),
    # the Profiles tab
    "profile_add": Shortcut("Ctrl+Shift+N", "New profile", "Profiles"),
    "profile_edit": Shortcut("F2", "Edit the selected profile", "Profiles"),
    "profile_remove": Shortcut("Delete", "Remove the selected profile", "Profiles"),
    "profile_detect": Shortcut("F5", "Detect tools again (and their profiles)", "Profiles"),
    "profile_add_tool": Shortcut("Ctrl+Shift+O", "Add a tool folder", "Profiles"),
    "profile_open_folder": Shortcut("Ctrl+O", "Open the selected folder", "Profiles"),
    "profile_copy_path": Shortcut("Ctrl+Shift+C", "Copy the selected folder's path", "Profiles"),
    "profile_share": Shortcut(
        "Ctrl+Shift+S", "Share one tool's model folders with another", "Profiles"
    ),
    # the ComfyUI tab (ui/tabs/comfyui.py binds these keys)
    "comfyui_open": Shortcut("Ctrl+O", "Open a workflow, image or video", "ComfyUI"),
    "comfyui_paste": Shortcut(
        "Ctrl+Shift+J", "Check the workflow JSON on the clipboard", "ComfyUI"
    ),
    "comfyui_check": Shortcut("F5", "Check the workflow again", "ComfyUI"),
    "comfyui_download": Shortcut("Ctrl+Return", "Download the missing models", "ComfyUI"),
    "comfyui_copy_name": Shortcut("Ctrl+Shift+C", "Copy the file name", "ComfyUI"),
    "comfyui_open_folder": Shortcut("Ctrl+Shift+O", "Open the file's folder", "ComfyUI"),
    "comfyui_cancel": Shortcut("Esc", "Cancel Download missing (partial data kept)", "ComfyUI"),
    # the error inspector
    "inspector_retry": Shortcut("Ctrl+R", "Retry the failed task (or scan again)", "Errors"),
    "inspector_copy": Shortcut("Ctrl+Shift+C", "Copy the report to the clipboard", "Errors"),
    "inspector_settings": Shortcut("Ctrl+,", "Open the settings", "Errors"),
    "inspector_filter": Shortcut("Ctrl+F", "Filter the failures", "Errors"),
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
