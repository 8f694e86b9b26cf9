"""Provider rotators and the durable rotation pipeline (see the rotators issue)."""
