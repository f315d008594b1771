"""The platform-neutral intent catalogue: intent names, sample utterances and slots, per locale.

``catalogue.json`` is the one source. Each adapter renders it into its own format: the Alexa interaction
models (skill.alexa.interaction_model, ``python -m skill model build``), and the console's understanding,
which hears exactly the model's samples.
"""
from pathlib import Path

CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.json"
