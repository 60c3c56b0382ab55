"""Builds the native ternary kernels (bittts.engine._native); metadata lives in pyproject.toml.

No -march flag: the SIMD kernels carry per-function target attributes and are picked at run
time (engine/native/ternary_dispatch.c), so one wheel runs on any CPU of its architecture.
"""

import sys

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

NATIVE = "engine/native/"
if sys.platform == "win32":
    compile_args = ["/O2", "/fp:precise"]
else:
    # -ffp-contract=off keeps float rounding equal to the NumPy reference's; -fno-math-errno lets rintf inline.
    compile_args = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-std=c11"]

extension = Extension(
    "bittts.engine._native",
    sources=[
        "engine/_native.pyx",
        NATIVE + "ternary_generic.c",
        NATIVE + "ternary_x86.c",
        NATIVE + "ternary_arm.c",
        NATIVE + "ternary_dispatch.c",
        NATIVE + "dsp.c",
    ],
    include_dirs=[numpy.get_include(), NATIVE],
    depends=[NATIVE + "ternary.h", NATIVE + "ternary.pxd"],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    extra_compile_args=compile_args,
)

setup(
    ext_modules=cythonize(
        [extension],
        include_path=[NATIVE],
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
)
