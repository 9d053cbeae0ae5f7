"""Hooks other apps attach to, so the chat never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that ends a chat, with `conversation_pk`; receivers that start
# background work should do so with transaction.on_commit.
conversation_ended = Signal()
