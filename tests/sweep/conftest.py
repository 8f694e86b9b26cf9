"""The org-sweep suite's fixtures (tests/sweep/fixtures.py) and the rotation world
(tests/org_world.py)."""

from tests.fakes.fixtures import fake_gitlab, fake_sendgrid  # noqa: F401 (fixtures, by name)
from tests.org_world import rotation_world  # noqa: F401 (a fixture, used by name)
from tests.sweep.fixtures import *  # noqa: F403 (pytest finds fixtures by name)
