"""Room a download leaves free on a volume besides its own bytes (the ``space_headroom``
setting): file system metadata, and other programs writing to the same disk meanwhile.

The setting accepts:

* ``auto`` (the default): 1 % of the bytes written on that volume, at least 1 MiB and at most
  64 MiB;
* a percentage such as ``5%``: that share of the bytes written, without bounds;
* a size such as ``64MiB``, ``500M`` or ``0``: that many bytes whatever the download's size
  (``0`` keeps nothing free).
"""

from __future__ import annotations

from dataclasses import dataclass

from hfsuite.core.units import format_bytes, parse_size

AUTO = "auto"
AUTO_SHARE = 0.01
AUTO_MIN_BYTES = 1024 * 1024
AUTO_MAX_BYTES = 64 * 1024 * 1024
#: What the setting accepts, in words (shown when a value is refused).
ALLOWED = "auto, a percentage such as 5% (of the bytes to download), or a size such as 64MiB or 0"


@dataclass(frozen=True)
class Headroom:
    """A rule for the room kept free: a share of the bytes, a fixed size, or ``auto``.

    Attributes:
        text: The setting's value, normalised (``auto``, ``5%``, ``64MiB``).
        share: The share of the bytes (``None`` for a fixed size).
        fixed_bytes: The fixed size (``None`` for a share).
    """

    text: str = AUTO
    share: float | None = AUTO_SHARE
    fixed_bytes: int | None = None

    @classmethod
    def parse(cls, text: str) -> Headroom:
        """Read a setting value.

        Raises:
            ValueError: not ``auto``, a percentage from 0 to 100, or a size.
        """
        value = text.strip()
        if value.lower() == AUTO:
            return cls()
        if value.endswith("%"):
            try:
                percent = float(value[:-1].strip())
            except ValueError:
                raise ValueError(f"not a percentage: {text!r}") from None
            if not 0 <= percent <= 100:
                raise ValueError(f"out of range 0..100 %: {text!r}")
            return cls(f"{percent:g}%", percent / 100, None)
        return cls(value, None, parse_size(value))

    @property
    def is_auto(self) -> bool:
        """Whether this is the default rule."""
        return self.text == AUTO

    def for_bytes(self, new_bytes: int) -> int:
        """The room to keep free besides ``new_bytes`` written on a volume."""
        if self.fixed_bytes is not None:
            return self.fixed_bytes
        share = int(new_bytes * (self.share or 0))
        if self.is_auto:
            return max(AUTO_MIN_BYTES, min(AUTO_MAX_BYTES, share))
        return share

    def describe(self) -> str:
        """The rule in words: ``auto: 1 % of the download, 1.0 MiB to 64.0 MiB``."""
        if self.is_auto:
            return (
                f"auto: 1 % of the download, {format_bytes(AUTO_MIN_BYTES)} to "
                f"{format_bytes(AUTO_MAX_BYTES)}"
            )
        if self.fixed_bytes is not None:
            return format_bytes(self.fixed_bytes)
        return f"{self.text} of the download"
