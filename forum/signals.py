"""The forum's signals for apps above it (they listen; the forum imports none of them).

``messages_posted``: sent by the one write path (``services.posting.PostBatch``) inside its
transaction, with ``messages`` (the stored ``Message`` rows of the batch). A listener that acts
on them outside the database defers to ``transaction.on_commit``.
"""

from django.dispatch import Signal

messages_posted = Signal()
