"""The demo company (Lumen & Co) that ``flask seed-demo`` creates.

``people`` and ``content`` are pure data; ``seeder`` writes them through the
models (people, groups) and the services (posts, comments, reactions).
"""

from .seeder import DEMO_PASSWORD, SeedReport, seed_demo

__all__ = ["DEMO_PASSWORD", "SeedReport", "seed_demo"]
