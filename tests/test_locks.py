"""The lock files in requirements/ still cover pyproject.toml (else: run scripts/lock)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCKS = {
    "app.txt": PROJECT["dependencies"],
    "test.txt": PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"],
}


def pins(lock: Path) -> dict[str, str]:
    """{name: version} of every `name==version` line."""
    found = re.findall(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", lock.read_text(), re.M)
    return {canonicalize_name(name): version for name, version in found}


@pytest.mark.parametrize("name", sorted(LOCKS))
def test_every_dependency_is_locked_at_an_allowed_version(name):
    pinned = pins(ROOT / "requirements" / name)
    for requirement in map(Requirement, LOCKS[name]):
        version = pinned.get(canonicalize_name(requirement.name))
        assert version, f"{requirement.name} is not in requirements/{name}: run scripts/lock"
        assert requirement.specifier.contains(version), (
            f"requirements/{name} pins {requirement.name}=={version}, outside "
            f"{requirement.specifier}: run scripts/lock"
        )


def test_the_tests_run_on_the_apps_versions():
    app, test = (pins(ROOT / "requirements" / name) for name in ("app.txt", "test.txt"))
    assert {name: test.get(name) for name in app} == app
