"""Checks the Python bindings jsii-pacmak generated, without installing them.

Usage: python3 python_api.py <generated package dir> <README.md>

1. Byte-compiles every generated .py file (py_compile, into a temporary directory).
2. Reads the generated classes (their methods, properties, constructor and keyword parameters) with `ast`.
3. Byte-compiles every ```python block of the README and checks each name it imports from cdk_sustainable_ml, each
   class attribute it reads and each keyword argument it passes against the generated classes.

Python's aws-cdk-lib is neither on the npm registry nor in Debian, so the bindings cannot be imported here; this is
what can be checked offline. Prints one JSON object: {"compiled": n, "snippets": n, "problems": [...]}.
"""
import ast
import json
import os
import py_compile
import re
import sys
import tempfile

MODULE = "cdk_sustainable_ml"


def generated_api(package_dir):
    """{class name: {member name: [parameter names]}} of the generated module."""
    with open(os.path.join(package_dir, "__init__.py"), encoding="utf8") as f:
        tree = ast.parse(f.read())
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = classes.setdefault(node.name, {})
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    args = item.args
                    params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
                    members.setdefault(item.name, []).extend(params)
    return classes


def check_snippet(source, name, api, problems):
    tree = ast.parse(source, name)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == MODULE:
            for alias in node.names:
                if alias.name not in api:
                    problems.append(f"{name}: {MODULE} has no {alias.name}")
                imported.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported:
            if node.attr not in api.get(node.value.id, {}):
                problems.append(f"{name}: {node.value.id} has no member {node.attr}")
        if isinstance(node, ast.Call):
            target = None
            if isinstance(node.func, ast.Name) and node.func.id in imported:
                target = (node.func.id, "__init__")
            elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id in imported:
                target = (node.func.value.id, node.func.attr)
            if target is None:
                continue
            params = api.get(target[0], {}).get(target[1])
            if params is None:
                continue  # reported above (missing member) or a class without an explicit constructor
            for kw in node.keywords:
                if kw.arg is not None and kw.arg not in params:
                    problems.append(f"{name}: {target[0]}.{target[1]} has no keyword argument {kw.arg}")


def main(package_dir, readme):
    problems = []
    compiled = 0
    with tempfile.TemporaryDirectory() as tmp:
        for root, _, files in os.walk(package_dir):
            for f in sorted(files):
                if f.endswith(".py"):
                    path = os.path.join(root, f)
                    try:
                        py_compile.compile(path, cfile=os.path.join(tmp, f"{compiled}.pyc"), doraise=True)
                        compiled += 1
                    except py_compile.PyCompileError as e:
                        problems.append(f"{path}: {e.msg}")
    api = generated_api(package_dir)
    with open(readme, encoding="utf8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    for i, block in enumerate(blocks):
        name = f"README python block {i + 1}"
        try:
            compile(block, name, "exec")
            check_snippet(block, name, api, problems)
        except SyntaxError as e:
            problems.append(f"{name}: {e}")
    print(json.dumps({"compiled": compiled, "snippets": len(blocks), "classes": len(api), "problems": problems}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
