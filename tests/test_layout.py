"""The house rules of shop/'s layout, read from the source: every module small enough to read
whole, the store's query language kept inside the repositories, packages that point one way
(none imports another's routes, and no two import each other, however indirectly), and models
that load without the web framework."""
import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

SHOP = Path(__file__).resolve().parent.parent / "shop"
MAX_LINES = 400
# The modules above the repositories: what a request, a form or a use case is made of.
ABOVE_THE_STORE = re.compile(r"(^|_)(services|routes|api|forms|model)\.py$")
MONGO_OPERATOR = re.compile(r"""["']\$[a-zA-Z]""")
DRIVER = ("bson", "pymongo")
# Modules a unit test imports: loading one must not load Flask (and with it the app).
PLAIN_MODULES = ("shop.pricing", "shop.orders.model", "shop.products.model")


def module_name(path):
    parts = path.relative_to(SHOP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(SHOP.rglob("*.py"))}


def package_of(name):
    """The package of shop/ a module belongs to (shop.orders.model: orders), None for the top's own."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and (SHOP / parts[1]).is_dir() else None


def imported(name):
    """Every module name `name` imports, absolute, with each imported name as a module too."""
    path = MODULES[name]
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return found


def room_of(name):
    """A package of shop/ (orders), or a module at its top (shop.openapi): the rooms that point one way."""
    return package_of(name) or name


def room_edges():
    """room -> the other rooms of shop/ it imports."""
    edges = defaultdict(set)
    for name in MODULES:
        for target in imported(name):
            if target in MODULES and "shop" not in (name, target) and room_of(name) != room_of(target):
                edges[room_of(name)].add(room_of(target))
    return edges


def reachable(edges, start):
    seen, todo = set(), [start]
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_module_is_over_400_lines():
    lengths = {name: len(path.read_text().splitlines()) for name, path in MODULES.items()}

    assert {name: length for name, length in lengths.items() if length > MAX_LINES} == {}


def test_no_service_route_api_form_or_model_speaks_mongo():
    speaking = []
    for name, path in MODULES.items():
        if not ABOVE_THE_STORE.search(path.name):
            continue
        speaking += [f"{name} imports {target}" for target in imported(name) if target.split(".")[0] in DRIVER]
        speaking += [f"{path.relative_to(SHOP.parent)}:{number}: {line.strip()}"
                     for number, line in enumerate(path.read_text().splitlines(), 1) if MONGO_OPERATOR.search(line)]

    assert speaking == []


def test_no_package_imports_another_packages_routes():
    """The factory (shop/app.py, in no package) registers every blueprint: it is the one that may."""
    crossing = [f"{name} imports {target}" for name in MODULES if package_of(name) for target in imported(name)
                if target in MODULES and target.endswith(".routes") and package_of(target) != package_of(name)]

    assert crossing == []


def test_no_two_packages_or_top_modules_import_each_other():
    """However indirectly: a package that imports a top module (shop.openapi, say) which imports the
    package back is a loop too."""
    edges = room_edges()

    loops = sorted({tuple(sorted((room, other))) for room in edges for other in edges[room]
                    if room in reachable(edges, other)})

    assert loops == []


def test_the_pricing_and_the_models_load_no_flask():
    """In a new interpreter, as nothing the suite imported before may count."""
    for module in PLAIN_MODULES:
        loaded = subprocess.run([sys.executable, "-c", f"import sys, {module}; print(sorted(sys.modules))"],
                                cwd=SHOP.parent, capture_output=True, text=True, check=True).stdout

        assert "'flask'" not in loaded, module
