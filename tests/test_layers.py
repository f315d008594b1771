"""The layers of ARCHITECTURE.md: the engine and the content stay free of Alexa, Flask, boto3 and SQL."""
import ast
from pathlib import Path

SKILL = Path(__file__).resolve().parents[1] / "skill"
FORBIDDEN = {"ask_sdk_core": "Alexa", "ask_sdk_model": "Alexa", "flask": "Flask", "werkzeug": "Flask",
             "boto3": "boto3", "botocore": "boto3", "sqlite3": "SQL", "waitress": "the web server"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


def test_the_engine_imports_nothing_of_alexa_flask_boto3_or_sql():
    for path in sorted((SKILL / "flows").glob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN, f"{path.name} imports {name} ({FORBIDDEN.get(top)})"
            assert not name.startswith(".."), f"{path.name} reaches outside the engine: {name}"


def test_handlers_know_no_http_and_the_store_knows_no_exercises():
    for path in sorted((SKILL / "intents").glob("*.py")):
        assert not {n.split(".")[0] for n in imported_modules(path)} & {"flask", "werkzeug", "waitress"}, path.name
    for path in sorted((SKILL / "store").glob("*.py")):
        names = imported_modules(path)
        assert not any("flows" in n or "intents" in n or n.startswith("ask_sdk") for n in names), path.name
