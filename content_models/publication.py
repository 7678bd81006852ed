"""When published content is public: the part of the visibility rule that concerns one object by itself.

A snippet (a contact person) is public while its published version is live,
not expired, and inside its go-live/expiry window. Pages add their ancestors
and view restrictions to this; `publishing.visibility` builds the whole rule
on it, for every channel. It lives here because the models need it too: a
page's text for Wagtail's own search index must leave out hidden people.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone


@dataclass(frozen=True)
class Window:
    """When something is public: from `start` (None: always was) until `end` (None: no end)."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, now) -> bool:
        return (self.start is None or self.start <= now) and (self.end is None or self.end > now)

    def next_change(self, now) -> datetime | None:
        """The next moment this window opens or closes, if any."""
        upcoming = [t for t in (self.start, self.end) if t is not None and t > now]
        return min(upcoming) if upcoming else None


ALWAYS = Window()


def snippet_window(obj) -> Window | None:
    """When a snippet is public, or None when it is not published at all."""
    if obj is None or not obj.live or obj.expired:
        return None
    return Window(obj.go_live_at, obj.expire_at)


def snippet_is_public(obj, *, now=None) -> bool:
    """Whether a snippet already in memory (as chooser blocks hand them over) is public now."""
    window = snippet_window(obj)
    return window is not None and window.contains(now or timezone.now())
