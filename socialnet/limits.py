"""Ground-floor constants that every layer may import (it imports nothing of the project)."""

#: The largest id the database's integer columns hold (and the URL converter accepts).
MAX_ID = 2**31 - 1
