"""Names of git objects: the all-zero name meaning "no object", and what a full name looks like.

Stage: sources (git).
"""

from __future__ import annotations

import re

ZERO_OID = "0" * 40
# A full object name, SHA-1 or SHA-256: what git prints, never an abbreviation or a ref name.
OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
