"""Each plugin reads one namespaced settings dict (BROWSE, STATS, …) with its defaults in code."""

from __future__ import annotations


def namespaced(settings, name: str, defaults: dict) -> dict:
    """settings[name] over `defaults`; a key that is not in `defaults` is an error (it is a typo)."""
    given = settings.get(name, {}) or {}
    unknown = set(given) - set(defaults)
    if unknown:
        raise ValueError(f"Unknown {name} setting(s): {', '.join(sorted(unknown))}; known: {', '.join(defaults)}")
    return {**defaults, **given}
