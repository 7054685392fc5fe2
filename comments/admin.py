"""The Comment admin is the moderation queue and is registered in moderation/admin.py.

It lives there because its actions write moderation's audit log, and the comments app must not
depend on the moderation app (dependencies point moderation → comments → blog).
"""
