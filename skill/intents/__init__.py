"""The platform-neutral intent catalogue: intent names, sample utterances and slots, per locale.

The data is in ``locales/*.toml`` and is read by :mod:`skill.intents.catalogue`. Each adapter renders it
into its own format: the Alexa interaction models (skill.alexa.interaction_model, ``python -m skill model
build``), and the console's understanding, which hears exactly the model's samples.
"""
