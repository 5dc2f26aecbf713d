"""Infrastructure below every domain app: database plumbing (bulk writes, COPY, raw SQL) and messages.

Nothing here knows a domain rule; domain modules call it so that they read as rules.
"""
