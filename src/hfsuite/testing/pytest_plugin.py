"""pytest fixtures for the Hub emulator (registered through the ``pytest11`` entry point).

* ``hub``: a started :class:`~hfsuite.testing.HubEmulator`, stopped after the test.
* ``hub_factory``: call it (with HubEmulator's arguments) to start more emulators, e.g. with a
  ``root`` folder or a small ``lfs_threshold``; all are stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hfsuite.testing.emulator import HubEmulator

HubFactory = Callable[..., HubEmulator]


@pytest.fixture
def hub_factory() -> Iterator[HubFactory]:
    """A factory of started emulators, all stopped at teardown."""
    started: list[HubEmulator] = []

    def make(*args: Any, **kwargs: Any) -> HubEmulator:
        emulator = HubEmulator(*args, **kwargs).start()
        started.append(emulator)
        return emulator

    yield make
    for emulator in reversed(started):
        emulator.stop()


@pytest.fixture
def hub(hub_factory: HubFactory) -> HubEmulator:
    """A started emulator with no repositories (function-scoped)."""
    return hub_factory()
