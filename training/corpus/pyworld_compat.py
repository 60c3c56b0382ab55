"""Import pyworld on setuptools without pkg_resources.

pyworld 0.3.5 does `import pkg_resources` only to read its own version; setuptools 81+
no longer ships that module. When it is missing, give pyworld a minimal stand-in.
"""

import sys
import types

try:
    import pkg_resources  # noqa: F401
except ImportError:
    from importlib.metadata import version as _version

    _shim = types.ModuleType("pkg_resources")

    class _Dist:
        def __init__(self, name):
            self.version = _version(name)

    _shim.get_distribution = _Dist
    sys.modules["pkg_resources"] = _shim

import pyworld  # noqa: E402

__all__ = ["pyworld"]
