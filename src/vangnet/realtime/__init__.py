"""The real-time core: sockets, the hub between them, ordering and batched writing.

Knows nothing of conversations; the chat (vangnet.chat) gives frames and events their meaning.
See docs/architecture.md, "The real-time chat".
"""
