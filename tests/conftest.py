import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# progress bars off and a fixed device choice for reproducible test logs
os.environ.setdefault("CRL_NB_PROGRESS", "0")
