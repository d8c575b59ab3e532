"""One policy, for real: no permission decision is written outside ``socialnet/policy``.

Every module of ``socialnet/`` outside the policy package is parsed (``ast``, not grep:
strings in docstrings and serializers exposing a role as data are not decisions) and
refused when it

* compares against a role: a company role (``Role`` values) or a group role as a string,
  ``Role.X``, or any ``.role`` attribute, with ``==``/``!=``/``in``/``not in`` or SQL's
  ``.in_()``/``.is_()``/… — who someone *is* decides what they may do, so it is policy's;
* builds a visibility filter: compares against a group's visibility (``.visibility``,
  ``GroupVisibility.X``, ``"public"``/``"private"``/``"secret"``), or wraps group
  membership in ``exists()`` (the shape of "may this person read this group").

The allow-list below is the whole of the exceptions, each with its reason; adding to it
needs the same justification. Reintroduce one twin (say ``user.role == "admin"`` in a
service) and this test names the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

from socialnet.models import GroupVisibility, Role

PACKAGE = Path(__file__).resolve().parent.parent / "socialnet"
POLICY = PACKAGE / "policy"

#: Company roles, and the group roles of ``GroupMembership.role`` (its CHECK constraint).
ROLE_STRINGS = frozenset({r.value for r in Role} | {"member", "admin"})
VISIBILITY_STRINGS = frozenset(v.value for v in GroupVisibility)
SQL_OPERATORS = frozenset({"in_", "not_in", "is_", "is_not", "__eq__", "__ne__", "notin_"})

#: Files whose role or visibility comparisons are not decisions, and why.
ALLOWED = {
    # Demo seed data picks people by role to write plausible content; no request reaches it.
    "demo/seeder.py": "seed data",
    "demo/content.py": "seed data",
    "demo/people.py": "seed data",
}


def _attr_chain(node: ast.AST) -> list[str]:
    names: list[str] = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        names.append(node.id)
    return names[::-1]


def _constants(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(_constants(e) for e in node.elts)) if node.elts else set()
    return set()


def _kind(node: ast.AST) -> str | None:
    """``"role"`` or ``"visibility"`` when ``node`` names one, else None."""
    chain = _attr_chain(node)
    constants = _constants(node)
    if "role" in chain[1:] or (chain and chain[0] == "Role") or constants & ROLE_STRINGS:
        return "role"
    if "visibility" in chain[1:] or (chain and chain[0] == "GroupVisibility"):
        return "visibility"
    if constants & VISIBILITY_STRINGS:
        return "visibility"
    return None


def _mentions_membership(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "GroupMembership" for n in ast.walk(node))


def _is_sql_operator(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_OPERATORS
    )


def _on_exists(node: ast.AST) -> bool:
    """``exists(...)``, or a method chain on it (``exists().where(...)``)."""
    while isinstance(node, ast.Call):
        func = node.func
        if (isinstance(func, ast.Name) and func.id == "exists") or (
            isinstance(func, ast.Attribute) and func.attr == "exists"
        ):
            return True
        if not isinstance(func, ast.Attribute):
            return False
        node = func.value
    return False


def violations(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                kind = _kind(operand)
                if kind:
                    found.append((node.lineno, f"compares a {kind}"))
                    break
        elif _is_sql_operator(node):
            kind = _kind(node.func.value) or next((k for a in node.args if (k := _kind(a))), None)
            if kind:
                found.append((node.lineno, f"compares a {kind} in SQL"))
        if _on_exists(node) and _mentions_membership(node):
            found.append((node.lineno, "filters on group membership with exists()"))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if POLICY not in p.parents)


def test_no_permission_decision_outside_the_policy_package():
    report = []
    for path in _modules():
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in ALLOWED:
            continue
        for line, what in sorted(set(violations(ast.parse(path.read_text(), str(path))))):
            report.append(f"socialnet/{relative}:{line}: {what}")
    assert not report, "decisions outside socialnet/policy:\n" + "\n".join(report)


def test_the_check_sees_the_twins_it_is_meant_to_refuse():
    """The detector itself: each shape of twin is caught, data and docstrings are not."""
    refused = [
        'user.role == "admin"',
        'person.role in ("community_manager", "admin")',
        "User.role == Role.ADMIN.value",
        "User.role.in_([Role.COMMUNITY_MANAGER.value, Role.ADMIN.value])",
        'GroupMembership.role == "admin"',
        'role not in ("member", "admin")',
        'group.visibility != "public"',
        "Group.visibility == GroupVisibility.PUBLIC.value",
        "exists().where(GroupMembership.user_id == User.id)",
    ]
    for source in refused:
        assert violations(ast.parse(source)), source
    accepted = [
        '{"role": user.role, "type": group.visibility}',  # serializing data
        'Group(name="x", visibility="secret")',  # writing a value
        '"""Only an admin may."""',
        'kind == "company"',
        "policy.is_moderator(user)",
    ]
    for source in accepted:
        assert not violations(ast.parse(source)), source


def test_policy_imports_no_service():
    """Policy sits below the services (any service may ask it): it imports models,
    extensions and limits only."""
    for path in POLICY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert "services" not in node.module.split("."), (path.name, node.module)


def _imports_of(path: Path, name: str, modules: set[str]) -> set[str]:
    """The ``socialnet`` modules ``name`` imports, at module level or inside functions.

    ``from package import module`` is an arrow to the module alone: Python initialises a
    package before any module in it, so every module would otherwise point at its own
    package. ``from package import name`` (``bp``, ``db``) is an arrow to the package.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            base = f"{base}.{node.module}" if node.level and node.module else node.module or base
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def _import_graph() -> dict[str, set[str]]:
    """Every module of ``socialnet/`` and the ``socialnet`` modules it imports."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return {
        name: {m for m in _imports_of(path, name, set(modules)) if m in modules and m != name}
        for name, path in modules.items()
    }


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    circles = []
    for name in sorted(graph):
        circle = {m for m in reach(name) if name in reach(m)} | {name}
        if name in reach(name) and circle not in circles:
            circles.append(circle)
    return circles


def test_no_import_circle_in_the_package():
    """Modules import each other one way, across the whole package: a shared module below
    both sides when two need the same thing (``case_opening`` for ``screening`` and
    ``reports``; ``analytics.live`` for ``content`` and ``rollup``), or a handler passed
    from above (the queue is given presence's ``apply_control``).

    Imports inside functions count too: deferring an import hides a circle from Python's
    import machinery, not from the reader. The app factory's imports inside
    ``create_app`` are arrows out of ``socialnet/__init__.py`` and close no circle, since
    no module imports a name from the top package.
    """
    assert _circles(_import_graph()) == []


def test_the_circle_check_sees_circles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [{"a", "b", "c"}]


def _flask_names_imported(tree: ast.AST) -> set[str]:
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "flask"
        for alias in node.names
    }


def test_services_and_policy_never_touch_g_or_the_session():
    """The request lifecycle (``socialnet/lifecycle.py``) reads and writes ``flask.g`` and
    the session; services and policy are given the user and the values they need."""
    offenders = []
    for folder in ("services", "policy"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            touched = _flask_names_imported(ast.parse(path.read_text())) & {"g", "session"}
            if touched:
                offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(touched)}")
    assert offenders == []


def _commits(tree: ast.AST) -> list[int]:
    """Lines calling ``<anything>.session.commit()``."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        and _attr_chain(node.func)[-2:-1] == ["session"]
    ]


def test_requests_commit_only_through_the_unit_of_work():
    """Pages, the API, the request lifecycle and services never call
    ``db.session.commit()`` themselves: handlers commit once through
    ``socialnet/unit_of_work.py`` (services flush). The CLI and the job runner, which are
    not requests, commit their own work."""
    not_requests = {"cli.py", "jobs.py", "unit_of_work.py"}
    offenders = [
        f"socialnet/{path.relative_to(PACKAGE).as_posix()}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() not in not_requests
        for line in _commits(ast.parse(path.read_text()))
    ]
    assert offenders == []
