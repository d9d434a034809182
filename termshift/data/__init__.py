"""`termshift data`: move the stored data (Redis) the renamed key patterns point at.

Planned from the same analysis as `migrate` (patterns.py), then copied
(copy.py), checked (verify.py) and, if need be, undone (journal.py) on a live
server. Nothing here imports redis-py until a command talks to a server
(connect.py), so the rest of termshift never needs it.
"""
