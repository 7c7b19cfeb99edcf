"""strategyscan: how much national cybersecurity strategies stress the tools of cyber diplomacy.

The stages mirror the CLI: `ingest`, `tag`, `compare`, `run`; models: `train`, `evaluate`,
`load_model`.
"""

from .classify import evaluate, load_model, load_taxonomy, read_labelled, save_model, train
from .pipeline import compare, ingest, run, tag

__version__ = "0.1.0"
__all__ = ["compare", "evaluate", "ingest", "load_model", "load_taxonomy", "read_labelled", "run", "save_model",
           "tag", "train"]
