"""The layers of docs/architecture.md: the core imports no platform, no module imports upward."""
import ast
from pathlib import Path

SKILL = Path(__file__).resolve().parents[1] / "skill"
PLATFORM = {"ask_sdk_core": "Alexa", "ask_sdk_model": "Alexa", "ask_sdk_runtime": "Alexa", "flask": "Flask",
            "werkzeug": "Flask", "waitress": "the web server", "boto3": "boto3", "botocore": "boto3",
            "sqlite3": "SQL", "ovos_workshop": "OVOS", "ovos_bus_client": "OVOS", "ovos_utils": "OVOS",
            "ovos_plugin_manager": "OVOS", "ovos_core": "OVOS", "ovoscope": "OVOS"}
# Packages of skill/, lowest layer first. A module may import its own package and any lower layer.
LAYERS = [
    {"core", "store", "audio"},  # the core knows the store's interface (skill/store/base.py) only
    {"config", "logs", "intents"},
    {"understanding"},  # text in, engine event out: the catalogue and the core, no platform
    {"alexa", "openvoiceos"},  # platform adapters: never each other
    {"console"},  # the text console drives the Alexa adapter's web app in-process, as a speaker would
    {"studio"},  # the review studio: the content, and the console's path for "try it"
    {"__main__"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def imported_modules(path: Path) -> set[str]:
    """Absolute names of what ``path`` imports (relative imports resolved against skill/)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = path.relative_to(SKILL.parent).with_suffix("").parts[:-1]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                names.add(".".join(base + ((node.module,) if node.module else ())))
            else:
                names.add(node.module or "")
    return names


def unit_of(name: str) -> str | None:
    """The package (or top-level module) of skill/ that a dotted name falls in."""
    parts = name.split(".")
    return parts[1] if parts[0] == "skill" and len(parts) > 1 else None


def modules():
    return [p for p in sorted(SKILL.rglob("*.py")) if "__pycache__" not in p.parts]


def test_the_core_imports_no_platform_and_no_store_but_its_interface():
    core = sorted((SKILL / "core").glob("*.py"))
    assert core
    for path in core:
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in PLATFORM, f"core/{path.name} imports {name} ({PLATFORM.get(top)})"
            if unit_of(name) == "store":
                assert name in ("skill.store.base", "skill.store"), f"core/{path.name} imports {name}"
            else:
                assert unit_of(name) in (None, "core"), f"core/{path.name} imports {name}"


def test_no_module_imports_upward_and_adapters_do_not_import_each_other():
    for path in modules():
        unit = path.relative_to(SKILL).parts[0].removesuffix(".py")
        if unit not in RANK:
            continue
        for name in imported_modules(path):
            other = unit_of(name)
            if other is None or other == unit or other not in RANK:
                continue
            assert RANK[other] <= RANK[unit], f"{path.relative_to(SKILL)} imports {name}: {other} is above {unit}"
            assert {unit, other} != {"alexa", "openvoiceos"}, f"{path.relative_to(SKILL)} imports {name}"


def test_every_package_of_skill_has_a_layer():
    units = {p.relative_to(SKILL).parts[0].removesuffix(".py") for p in modules()} - {"__init__"}
    assert units <= set(RANK), f"not placed in a layer: {units - set(RANK)}"


def test_stores_know_no_exercises_and_no_platform():
    for path in sorted((SKILL / "store").glob("*.py")):
        for name in imported_modules(path):
            assert unit_of(name) in (None, "store"), f"store/{path.name} imports {name}"
            assert not name.startswith(("ask_sdk", "flask", "ovos")), f"store/{path.name} imports {name}"


def test_the_understanding_layer_imports_no_platform_and_no_training_library():
    """It runs inside every adapter and the Lambda package: the trained weights are read without scikit-learn
    (only `build` and `train`, which run at build time, import it)."""
    for path in sorted((SKILL / "understanding").glob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in PLATFORM, f"understanding/{path.name} imports {name}"
            if path.stem not in ("train", "build"):
                assert top not in ("sklearn", "numpy", "scipy"), f"understanding/{path.name} imports {name}"
