"""A seeded synthetic world of B2B/SaaS accounts whose latent health drives every data source.

``simulate_world(SimulationConfig(seed=7, n_accounts=2000), out_dir)`` writes the nine
contract tables plus the true churn probability of every renewal (``_truth/``), so
models can be judged against the best any model could do. See ``docs/simulator.md``.
"""

from simulator.config import SegmentMix, SimulationConfig
from simulator.dirty import DIRTY_KINDS, DirtyKind
from simulator.errors import OutputNotEmptyError, SimulationConfigError, SimulationError
from simulator.summary import WorldSummary, roc_auc
from simulator.world import OUTLOOK_FILE, TRUTH_DIR, TRUTH_FILE, WORLD_FILE, simulate_world

__all__ = [
    "DIRTY_KINDS",
    "OUTLOOK_FILE",
    "TRUTH_DIR",
    "TRUTH_FILE",
    "WORLD_FILE",
    "DirtyKind",
    "OutputNotEmptyError",
    "SegmentMix",
    "SimulationConfig",
    "SimulationConfigError",
    "SimulationError",
    "WorldSummary",
    "roc_auc",
    "simulate_world",
]
