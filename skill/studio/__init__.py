"""The review studio (issue 15): a local page where a reviewer sees, hears, tries and signs off every exercise.

``python -m skill studio [--port P]`` serves it on loopback. A thin adapter: the content comes from the content
loader, the answers in "try it" from the console's path into the real skill; the studio itself holds no exercise
or state logic, only durations (``durations``), the flow graph (``flow``), the lines as heard (``lines``) and
sign-off records (``approvals``).
"""
