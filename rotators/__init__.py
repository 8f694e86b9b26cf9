"""Rotating leaked keys: the rotation flow apart from the providers and the stores it drives.

Stage: rotators. `base` holds what every rotator, secret store and notifier promises;
`rotation/` is the durable pipeline (policy, steps, retry, locks, owner notices);
`providers/` has one module per provider with its facts as data; `stores/` is where
replacements are delivered. Importing this package loads no provider SDK.
"""
