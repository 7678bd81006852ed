"""What one server process remembers between requests, bounded in bytes.

Entries are keyed by the content version they were read at (among other
things), so a change makes every process stop using them at once; old
entries are never looked up again and leave by the least-recently-used rule
as new ones come in. Nothing is ever dropped wholesale, and no entry is kept
past the moment it stops being true (`expires`, wall clock).
"""

import threading
import time
from collections import OrderedDict

MISSING = object()


class ByteLRU:
    """A thread-safe LRU mapping holding at most `max_bytes` (as each entry's size is given)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return default
            value, size, expires = found
            if expires is not None and time.time() >= expires:
                del self._items[key]
                self.bytes -= size
                return default
            self._items.move_to_end(key)
            return value

    def set(self, key, value, size: int, *, expires: float | None = None):
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._items[key] = (value, size, expires)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, dropped, _) = self._items.popitem(last=False)
                self.bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)

    def clear(self):
        with self._lock:
            self._items.clear()
            self.bytes = 0
