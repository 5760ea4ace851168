"""The Local models tab's details pane: one file's identification, hashes, provenance and
header metadata.

```
┌ lora-style.safetensors ──────────────────────────────────┐
│ ~/ComfyUI/models/loras                                    │
│ [Open folder] [Copy path] [Show duplicates] [Check]       │
│ Kind loras · Architecture sdxl · Format safetensors …     │
│ Hashes   SHA-256 …  AutoV2 …                              │
│ Source   from acme/model@main x.safetensors (HF cache)    │
│          ⬆ update available (changed upstream since …)   │
│ Training (LoRA)  Base model … Top tags …                  │
└───────────────────────────────────────────────────────────┘
```

Opening the pane reads the file's full record (with its header metadata) and its origins off
the UI thread, then asks the source whether the file changed upstream (one request, also off
the UI thread, never blocking the window; "Check again" repeats it). Answers for a file no
longer shown are dropped.
"""

from __future__ import annotations

import html
import os
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.library.provenance import Provenance, UpstreamStatus, provenance_of
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.library_meta import readable_metadata
from hfsuite.ui.models.library_model import params_text
from hfsuite.ui.theme import colors_for
from hfsuite.ui.widgets.path_selector import contract_home

if TYPE_CHECKING:
    from hfsuite.app.library import LibraryFileRecord

translate = QCoreApplication.translate

CHECK_DELAY_MS = 400
"""How long the selection must rest on a file before its upstream is checked."""
_FOUND_IN = {
    "hf_cache": QT_TRANSLATE_NOOP("LibraryDetails", "HF cache"),
    "download": QT_TRANSLATE_NOOP("LibraryDetails", "a tracked download"),
    "history": QT_TRANSLATE_NOOP("LibraryDetails", "download history"),
    "queue": QT_TRANSLATE_NOOP("LibraryDetails", "the queue"),
    "hub_listing": QT_TRANSLATE_NOOP("LibraryDetails", "a cached Hub listing"),
}


def _found_in(key: str) -> str:
    text = _FOUND_IN.get(key)
    return translate("LibraryDetails", text) if text else key


class LibraryDetails(QWidget):
    """Details of one library file.

    Args:
        ctx: The UI context.
        parent: The parent widget.
    """

    #: "Show duplicates" was asked for this path.
    reveal_requested = Signal(str)
    #: "Open folder" (path) and "Copy path" (path) — the tab does them.
    open_requested = Signal(str)
    copy_requested = Signal(str)
    #: The record (with metadata) was shown.
    record_shown = Signal(object)
    #: An upstream check answered (a Provenance, or None when no origin is known).
    provenance_shown = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("library_details")
        self.setMinimumWidth(320)
        self._seq = 0
        self.record: LibraryFileRecord | None = None
        self.provenance: Provenance | None = None
        self._provenance_text = ""
        #: Whether the file shown has its record and provenance (and upstream check) in.
        self.settled = False
        self.provenance_shown.connect(self._settle)
        self.title = QLabel(self)
        self.title.setObjectName("details_title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel(self)
        self.subtitle.setWordWrap(True)
        self.open_button = QPushButton(translate("LibraryDetails", "Open folder"), self)
        self.open_button.setToolTip(
            translate("LibraryDetails", "Show the file's folder in the file manager (Ctrl+O)")
        )
        self.open_button.clicked.connect(lambda: self._emit(self.open_requested))
        self.copy_button = QPushButton(translate("LibraryDetails", "Copy path"), self)
        self.copy_button.setToolTip(
            translate("LibraryDetails", "Copy the file's path (Ctrl+Shift+C)")
        )
        self.copy_button.clicked.connect(lambda: self._emit(self.copy_requested))
        self.reveal_button = QPushButton(translate("LibraryDetails", "Show duplicates"), self)
        self.reveal_button.setToolTip(
            translate("LibraryDetails", "Show the other copies of this file (Ctrl+D)")
        )
        self.reveal_button.clicked.connect(lambda: self._emit(self.reveal_requested))
        self.check_button = QPushButton(translate("LibraryDetails", "Check upstream"), self)
        self.check_button.setToolTip(
            translate("LibraryDetails", "Ask the hub whether the file changed since (one request)")
        )
        self.check_button.clicked.connect(self.check_upstream)
        buttons = QGridLayout()
        buttons.setSpacing(6)
        for i, button in enumerate(
            (self.open_button, self.copy_button, self.reveal_button, self.check_button)
        ):
            buttons.addWidget(button, i // 2, i % 2)
        self.body = QTextBrowser(self)
        self.body.setObjectName("details_body")
        self.body.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(buttons)
        layout.addWidget(self.body, 1)
        self.clear()

    def _settle(self, _origin: object) -> None:
        self.settled = True

    def _emit(self, signal: SignalInstance) -> None:
        if self.record is not None:
            signal.emit(self.record.path)

    # --- showing a file -------------------------------------------------------------------
    def clear(self) -> None:
        """Show nothing (no selection)."""
        self._seq += 1
        self.record = None
        self.provenance = None
        self.title.setText(translate("LibraryDetails", "No file selected"))
        self.subtitle.setText(
            translate(
                "LibraryDetails", "Select a file to see its header, hashes and where it came from."
            )
        )
        for button in (self.open_button, self.copy_button, self.reveal_button, self.check_button):
            button.setEnabled(False)
        self.body.clear()

    def show_file(self, record: LibraryFileRecord, *, check: bool = True) -> None:
        """Show ``record`` at once, then its metadata and provenance as they are read."""
        self._seq += 1
        seq = self._seq
        self.record = record
        self.provenance = None
        self.settled = False
        self._provenance_text = "<i>Looking for where it came from…</i>"
        self._render()
        for button in (self.open_button, self.copy_button, self.reveal_button):
            button.setEnabled(True)
        self.check_button.setEnabled(False)
        library = self.ctx.suite.library
        suite = self.ctx.suite
        path = record.path

        def read() -> tuple[LibraryFileRecord, Provenance | None]:
            full = library.file(path)
            return full, provenance_of(suite, full, check=False)

        def done(answer: tuple[LibraryFileRecord, Provenance | None]) -> None:
            if seq != self._seq:
                return
            full, origin = answer
            self.record = full
            self._set_provenance(origin, checking=check and origin is not None)
            self.record_shown.emit(full)
            if check and origin is not None:
                # only for a file the selection rests on (arrowing through the list asks once)
                QTimer.singleShot(CHECK_DELAY_MS, lambda: self._check_if_current(seq))
            else:
                self.check_button.setEnabled(origin is not None)
                self.provenance_shown.emit(origin)

        def failed(error: BaseException) -> None:
            if seq == self._seq:
                self._provenance_text = "<i>{}</i>".format(
                    translate("LibraryDetails", "Could not read the index: {error}").format(
                        error=html.escape(str(error))
                    )
                )
                self._render()

        self.ctx.run_async(read, done, failed)

    def _check_if_current(self, seq: int) -> None:
        if seq == self._seq:
            self.check_upstream()

    def check_upstream(self) -> None:
        """Ask the source whether the file changed upstream (off the UI thread)."""
        record = self.record
        if record is None:
            return
        seq = self._seq
        suite = self.ctx.suite
        self.check_button.setEnabled(False)
        self._set_provenance(self.provenance, checking=True)

        def done(origin: Provenance | None) -> None:
            if seq != self._seq:
                return
            self.check_button.setEnabled(origin is not None)
            self._set_provenance(origin, checking=False)
            self.provenance_shown.emit(origin)

        def failed(error: BaseException) -> None:
            if seq == self._seq:
                self.check_button.setEnabled(True)
                self._provenance_text += "<br>" + translate(
                    "LibraryDetails", "could not check: {error}"
                ).format(error=html.escape(str(error)))
                self._render()

        self.ctx.run_async(lambda: provenance_of(suite, record, check=True), done, failed)

    def _set_provenance(self, origin: Provenance | None, *, checking: bool) -> None:
        self.provenance = origin
        colors = colors_for(self.palette())
        if origin is None:
            unknown = translate(
                "LibraryDetails", "Unknown: not from the HF cache nor a recorded download."
            )
            self._provenance_text = f"<span style='color:{colors.muted}'>{unknown}</span>"
        else:
            lines = [
                translate("LibraryDetails", "from <b>{source}</b> {where}").format(
                    source=html.escape(o.label()),
                    where=f"<span style='color:{colors.muted}'>({_found_in(o.found_in)})</span>",
                )
                for o in origin.origins[:4]
            ]
            if len(origin.origins) > 4:
                more = len(origin.origins) - 4
                lines.append(translate("LibraryDetails", "… {n} more").format(n=more))
            up = origin.upstream
            if checking:
                checking_text = translate("LibraryDetails", "Checking upstream…")
                lines.append(f"<span style='color:{colors.muted}'>{checking_text}</span>")
            elif up is not None:
                color, lead = {
                    UpstreamStatus.CHANGED: (colors.warning, "⬆ "),
                    UpstreamStatus.REMOVED: (colors.danger, "✕ "),
                    UpstreamStatus.UNCHANGED: (colors.success, "✓ "),
                    UpstreamStatus.PINNED: (colors.muted, ""),
                }.get(up.status, (colors.muted, ""))
                message = up.message
                if up.status == UpstreamStatus.CHANGED:
                    branch = up.revision or translate("LibraryDetails", "the default branch")
                    now = (
                        translate("LibraryDetails", " (now at {commit})").format(
                            commit=up.current_commit[:10]
                        )
                        if up.current_commit
                        else ""
                    )
                    message = translate(
                        "LibraryDetails", "update available: the file changed on {branch}{now}"
                    ).format(branch=branch, now=now)
                text = html.escape(message)
                lines.append(f"<span style='color:{color}'>{lead}{text}</span>")
            self._provenance_text = "<br>".join(lines)
        self._render()

    # --- rendering --------------------------------------------------------------------------
    def _render(self) -> None:
        f = self.record
        if f is None:
            return
        colors = colors_for(self.palette())
        name = f.hf_refs[0].path.rsplit("/", 1)[-1] if f.hf_refs else os.path.basename(f.path)
        self.title.setText(name)
        self.subtitle.setText(contract_home(os.path.dirname(f.path)))
        self.subtitle.setToolTip(f.path)

        def row(label: str, value: str) -> str:
            return (
                f"<tr><td style='color:{colors.muted}; padding-right:10px; white-space:nowrap'>"
                f"{html.escape(label)}</td><td>{value}</td></tr>"
            )

        def section(title: str, rows: list[str]) -> str:
            if not rows:
                return ""
            return (
                f"<p style='margin-top:10px; margin-bottom:2px'><b>{html.escape(title)}</b></p>"
                f"<table cellspacing='0' cellpadding='1'>{''.join(rows)}</table>"
            )

        ident = [
            row(translate("LibraryDetails", "Kind"), html.escape(f.kind)),
            row(translate("LibraryDetails", "Format"), html.escape(f.format)),
        ]
        if f.architecture:
            ident.append(
                row(translate("LibraryDetails", "Architecture"), html.escape(f.architecture))
            )
        if f.dtype:
            ident.append(row(translate("LibraryDetails", "Precision"), html.escape(f.dtype)))
        if f.parameter_count:
            ident.append(
                row(
                    translate("LibraryDetails", "Parameters"),
                    f"{params_text(f.parameter_count)} ({f.parameter_count:,})",
                )
            )
        if f.context_length:
            ident.append(
                row(
                    translate("LibraryDetails", "Context"),
                    translate("LibraryDetails", "{n} tokens").format(n=f"{f.context_length:,}"),
                )
            )
        if f.tensor_count:
            ident.append(row(translate("LibraryDetails", "Tensors"), f"{f.tensor_count:,}"))
        ident.append(
            row(
                translate("LibraryDetails", "Size"),
                translate("LibraryDetails", "{size} ({bytes} bytes)").format(
                    size=format_bytes(f.size_bytes), bytes=f"{f.size_bytes:,}"
                ),
            )
        )
        modified = datetime.fromtimestamp(f.mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M")
        ident.append(row(translate("LibraryDetails", "Modified"), modified))
        if f.nlink > 1:
            ident.append(row(translate("LibraryDetails", "Hard links"), str(f.nlink)))
        hashes = []
        if f.sha256:
            hashes.append(row("SHA-256", f"<code>{f.sha256}</code>"))
            hashes.append(row("AutoV2", f"<code>{f.autov2}</code>"))
            if f.autov1:
                hashes.append(row("AutoV1", f"<code>{f.autov1}</code>"))
            origin = (
                translate("LibraryDetails", "verified at download")
                if f.hash_origin == "download"
                else translate("LibraryDetails", "read from disk")
            )
            hashes.append(row(translate("LibraryDetails", "From"), origin))
        else:
            hashes.append(
                row(
                    "SHA-256",
                    translate(
                        "LibraryDetails", "not hashed yet — use Scan with hashes or Find duplicates"
                    ),
                )
            )
        problems = []
        if f.problem:
            problems.append(
                row(
                    f.problem_kind or translate("LibraryDetails", "problem"),
                    f"<span style='color:{colors.danger}'>{html.escape(f.problem)}</span>",
                )
            )
        problems += [
            row(translate("LibraryDetails", "warning"), html.escape(w)) for w in f.warnings
        ]
        parts = [
            section(translate("LibraryDetails", "Identification"), ident),
            section(translate("LibraryDetails", "Hashes"), hashes),
            f"<p style='margin-top:10px; margin-bottom:2px'>"
            f"<b>{translate('LibraryDetails', 'Provenance')}</b></p>"
            f"<p style='margin-top:0'>{self._provenance_text}</p>",
            section(translate("LibraryDetails", "Problems"), problems),
        ]
        for title, pairs in readable_metadata(f.metadata, f.format):
            parts.append(section(title, [row(k, html.escape(v)) for k, v in pairs]))
        scroll = self.body.verticalScrollBar().value()
        self.body.setHtml("".join(parts))
        self.body.verticalScrollBar().setValue(scroll)

    def refresh_theme(self) -> None:
        """Render again in the palette's colours."""
        self._render()
