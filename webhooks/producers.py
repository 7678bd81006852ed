"""Where webhook events come from: the public store's changes (`publishing.events`).

The store compares each page's public form before and after a change, and
tells only what the public could see, once the change has committed. Here
each of its changes becomes deliveries, in the transaction that claims the
change: a change is delivered once, even when the process that made it dies
right after committing (the worker then tells it).
"""

from publishing.events import public_content_changed

from . import events


def announce(sender, changes, **kwargs):
    for change in changes:
        events.emit(change.event, site=change.site, items=change.items, paths=change.paths, tags=change.tags)


def connect():
    public_content_changed.connect(announce, dispatch_uid="webhooks.producers.announce")
