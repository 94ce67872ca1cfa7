#!/usr/bin/env python3
"""Fails when a Swift file imports a module its target does not declare in Package.swift.

SwiftPM puts every module of the package on every target's search path, so `import CairnStore` in the server would
compile although Package.swift does not let the server depend on the store. This check keeps the layers honest: each
import must name the target itself, a declared target or product dependency, or a module of the toolchain.
Usage: python3 scripts/check-imports.py (from the package root). Exit 1 and one line per offence when any is found.
"""
import json
import pathlib
import re
import subprocess
import sys

TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Dispatch", "Synchronization",
             "Testing", "XCTest", "Glibc", "Musl", "Darwin", "_Concurrency", "Observation", "RegexBuilder", "os"}

package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
imports = re.compile(r"^\s*(?:@\w+\s+)*(?:public\s+|internal\s+|package\s+|private\s+|fileprivate\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)
offences = []
for target in package["targets"]:
    name = target["name"]
    folder = target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + name
    allowed = {name} | TOOLCHAIN
    for dependency in target["dependencies"]:
        kind, value = next(iter(dependency.items()))
        allowed.add(value[0])
    for file in sorted(pathlib.Path(folder).rglob("*.swift")):
        for module in imports.findall(file.read_text(encoding="utf-8")):
            if module not in allowed:
                offences.append(f"{file}: imports {module}, which target {name} does not declare in Package.swift")
for line in offences:
    print(line)
print(f"imports checked: {len(package['targets'])} targets, {len(offences)} undeclared")
sys.exit(1 if offences else 0)
