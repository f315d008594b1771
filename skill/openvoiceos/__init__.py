"""Safe Harbor on OpenVoiceOS: one adapter package, loaded by OVOS through the entry point
`safe-harbor.openvoiceos` in the group `opm.skill` (installed by the `ovos` extra).

`SafeHarborSkill` is imported on first use, so the pure parts here (the intent file generator, the text renderer)
work without OVOS installed.
"""
SKILL_ID = "safe-harbor.openvoiceos"


def __getattr__(name: str):
    if name == "SafeHarborSkill":
        from .skill import SafeHarborSkill

        return SafeHarborSkill
    raise AttributeError(name)
