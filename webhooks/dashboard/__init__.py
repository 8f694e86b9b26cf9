"""The operator dashboard served by `leakward serve` at `/`: leaks, keys, rotations, exposure.

Stage: inbound (webhooks). Server-rendered HTML (Jinja2, autoescaped) from the registry views
(registry/views/), the same ones `leakward leaks|rotations` print. Every page and action needs
the operator token or a trusted proxy's header (access.py); every action goes through the
`Actions` it is handed, which records who did what.
"""
