"""A small thread-safe LRU mapping for what one server process remembers between requests."""

import threading
from collections import OrderedDict


class BoundedMemo:
    """At most `size` entries; the least recently used goes first.

    Reads take no lock (a dict read is atomic in CPython); writes do, so the
    bound holds with many threads.
    """

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        return self._items.get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._items

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
