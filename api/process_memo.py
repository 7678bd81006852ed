"""A small thread-safe LRU mapping for what one server process remembers between requests."""

import threading
from collections import OrderedDict


class BoundedMemo:
    """At most `size` entries; the least recently used goes first.

    A lock guards every read and write: a hit moves its entry to the back, and
    that must not interleave with another thread's eviction.
    """

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            try:
                self._items.move_to_end(key)
            except KeyError:
                return default
            return self._items[key]

    def __len__(self) -> int:
        return len(self._items)

    def set(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self):
        with self._lock:
            self._items.clear()
