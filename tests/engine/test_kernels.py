"""Native ternary kernels against the NumPy reference (engine/kernels_ref.py)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bittts.engine import kernels, kernels_ref
from bittts.engine.model_format import pack_trits, unpack_trits

KERNELS = kernels.available_kernels()
# Float outputs: the native code sums taps in float32, the reference in float64.
FLOAT_RTOL = 2e-5


@pytest.fixture(params=KERNELS)
def kernel(request):
    kernels.set_kernel(request.param)
    yield request.param
    kernels.set_kernel("auto")


@st.composite
def conv_cases(draw):
    """Awkward layer shapes: channel counts not multiples of 4/5/16/32/64, length-1 inputs."""
    c_in = draw(st.integers(1, 300))
    c_out = draw(st.integers(1, 100))
    kernel_size = draw(st.integers(1, 7))
    dilation = draw(st.integers(1, 4))
    padding = draw(st.integers(0, dilation * (kernel_size - 1)))
    span = dilation * (kernel_size - 1) - 2 * padding
    frames = draw(st.integers(max(1, span + 1), max(1, span + 1) + 40))
    seed = draw(st.integers(0, 2**31 - 1))
    zero_input = draw(st.booleans()) and draw(st.booleans())
    sparsity = draw(st.sampled_from([0.0, 0.3, 0.6, 1.0]))
    return c_in, c_out, kernel_size, dilation, padding, frames, seed, zero_input, sparsity


def make_layer(c_in, c_out, kernel_size, seed, sparsity):
    rng = np.random.default_rng(seed)
    w = rng.integers(-1, 2, size=(c_out, c_in, kernel_size)).astype(np.int8)
    w[rng.random(w.shape) < sparsity] = 0
    scale = rng.uniform(0.01, 2.0, size=c_out).astype(np.float32)
    bias = rng.normal(size=c_out).astype(np.float32)
    return w, scale, bias, rng


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=conv_cases())
def test_integer_part_is_exactly_the_reference(kernel, case):
    c_in, c_out, kernel_size, dilation, padding, frames, seed, zero_input, sparsity = case
    w, scale, bias, rng = make_layer(c_in, c_out, kernel_size, seed, sparsity)
    q = np.zeros((frames, c_in), np.int8) if zero_input else rng.integers(-127, 128, (frames, c_in)).astype(np.int8)
    native = kernels.TernaryConv1d(w, scale, bias, dilation=dilation, padding=padding)
    reference = kernels_ref.TernaryConv1d(w, scale, bias, dilation=dilation, padding=padding)
    got, want = native.tap_sums(q), reference.tap_sums(q)
    assert got.dtype == np.int32 and got.shape == want.shape == (native.out_frames(frames), kernel_size, c_out)
    np.testing.assert_array_equal(got, want)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=conv_cases())
def test_float_output_matches_the_reference(kernel, case):
    c_in, c_out, kernel_size, dilation, padding, frames, seed, zero_input, sparsity = case
    w, scale, bias, rng = make_layer(c_in, c_out, kernel_size, seed, sparsity)
    x = (
        np.zeros((frames, c_in), np.float32)
        if zero_input
        else (rng.normal(size=(frames, c_in)) * rng.uniform(0.01, 100)).astype(np.float32)
    )
    native = kernels.TernaryConv1d(w, scale, bias, dilation=dilation, padding=padding)(x)
    reference = kernels_ref.TernaryConv1d(w, scale, bias, dilation=dilation, padding=padding)(x)
    assert native.shape == reference.shape
    tolerance = FLOAT_RTOL * (np.abs(reference - bias).max() + 1e-6)
    np.testing.assert_allclose(native, reference, rtol=0, atol=tolerance)


@settings(max_examples=40, deadline=None)
@given(case=conv_cases())
def test_reference_scale_handling_equals_float_math(case):
    """beta * gamma / 127 rescaling equals a float conv of dequantized weights and activations."""
    c_in, c_out, kernel_size, dilation, padding, frames, seed, zero_input, sparsity = case
    w, scale, bias, rng = make_layer(c_in, c_out, kernel_size, seed, sparsity)
    x = rng.normal(size=(frames, c_in)).astype(np.float32) * 3
    got = kernels_ref.TernaryConv1d(w, scale, bias, dilation=dilation, padding=padding)(x)
    want = kernels_ref.dequantized_conv1d(x, w, scale, bias, dilation=dilation, padding=padding)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * (np.abs(want).max() + 1))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    frames=st.integers(1, 30),
    channels=st.integers(1, 130),
    seed=st.integers(0, 2**31 - 1),
    magnitude=st.sampled_from([0.0, 1e-30, 1e-3, 1.0, 1e4, 1e30]),
)
def test_quantize_frames_matches_reference_exactly(kernel, frames, channels, seed, magnitude):
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(frames, channels)) * magnitude).astype(np.float32)
    x[rng.random(frames) < 0.2] = 0.0  # silent frames
    q_native, g_native = kernels.quantize_frames(x)
    q_ref, g_ref = kernels_ref.quantize_frames(x)
    np.testing.assert_array_equal(g_native, g_ref)
    np.testing.assert_array_equal(q_native, q_ref)
    assert q_native.min() >= -127 and q_native.max() <= 127


def test_non_finite_frames_quantize_to_silence(kernel):
    x = np.array([[1.0, np.inf, 2.0], [np.nan, 1.0, 0.0], [1.0, -2.0, 0.5]], np.float32)
    for quantize in (kernels.quantize_frames, kernels_ref.quantize_frames):
        q, gamma = quantize(x)
        np.testing.assert_array_equal(gamma[:2], [0.0, 0.0])
        np.testing.assert_array_equal(q[:2], 0)
        assert gamma[2] == 2.0


def test_quantization_uses_the_full_int8_range_per_frame():
    x = np.array([[0.5, -1.0, 0.25], [0, 0, 0], [4, 2, -1]], np.float32)
    q, gamma = kernels.quantize_frames(x)
    np.testing.assert_array_equal(gamma, [1.0, 0.0, 4.0])
    np.testing.assert_array_equal(q, [[64, -127, 32], [0, 0, 0], [127, 64, -32]])


@settings(max_examples=100, deadline=None)
@given(rows=st.integers(1, 20), length=st.integers(1, 97), seed=st.integers(0, 2**31 - 1))
def test_pack_unpack_round_trip(rows, length, seed):
    w = np.random.default_rng(seed).integers(-1, 2, size=(rows, length)).astype(np.int8)
    packed = pack_trits(w)
    assert packed.dtype == np.uint8 and packed.shape == (rows, -(-length // 5))
    assert packed.max() <= 242
    np.testing.assert_array_equal(unpack_trits(packed, length), w)
    # The native decoder reads the same bytes; rows whose length is a multiple of 5 concatenate.
    if length % 5 == 0:
        np.testing.assert_array_equal(kernels.unpack_trits(packed.ravel(), rows * length), w.ravel())


def test_trit_digit_order_and_padding_rule():
    # idx = sum_i (w_i + 1) * 3^i with w_0 first; a short row pads with weight 0 (digit 1).
    assert pack_trits(np.array([[1, 0, -1, -1, 1]]))[0, 0] == 2 + 1 * 3 + 0 * 9 + 0 * 27 + 2 * 81
    assert pack_trits(np.array([[-1]]))[0, 0] == 0 + 1 * 3 + 1 * 9 + 1 * 27 + 1 * 81
    assert pack_trits(np.zeros((1, 5), np.int8))[0, 0] == 121


def test_native_unpack_refuses_bytes_above_242():
    with pytest.raises(ValueError, match="242"):
        kernels.unpack_trits(np.array([243], np.uint8), 5)


def test_linear_is_a_kernel_size_one_convolution():
    rng = np.random.default_rng(0)
    w = rng.integers(-1, 2, size=(37, 53)).astype(np.int8)
    x = rng.normal(size=(9, 53)).astype(np.float32)
    got = kernels.TernaryLinear(w, 0.5)(x)
    want = kernels_ref.dequantized_conv1d(x, w[:, :, None], 0.5)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * np.abs(want).max())


def test_strided_input_views_are_accepted():
    rng = np.random.default_rng(1)
    w = rng.integers(-1, 2, size=(40, 24, 3)).astype(np.int8)
    layer = kernels.TernaryConv1d(w, 1.0, padding=1)
    wide = rng.normal(size=(11, 64)).astype(np.float32)
    np.testing.assert_array_equal(layer(wide[:, :24]), layer(np.ascontiguousarray(wide[:, :24])))


def test_bad_inputs_raise_clear_errors():
    w = np.zeros((4, 6, 3), np.int8)
    layer = kernels.TernaryConv1d(w, 1.0)
    with pytest.raises(ValueError, match="channels"):
        layer(np.zeros((10, 5), np.float32))
    with pytest.raises(ValueError, match=r"\{-1, 0, 1\}"):
        kernels.TernaryConv1d(w + 2, 1.0)
    with pytest.raises(ValueError, match="bias"):
        kernels.TernaryConv1d(w, 1.0, bias=np.zeros(3))
    assert layer(np.zeros((1, 6), np.float32)).shape == (0, 4)  # too short for the kernel


def test_every_kernel_is_selectable_and_unknown_names_are_refused():
    assert "generic" in KERNELS
    for name in KERNELS:
        kernels.set_kernel(name)
        assert kernels.kernel_name() == name
    kernels.set_kernel("auto")
    assert kernels.kernel_name() == KERNELS[0]
    with pytest.raises(ValueError, match="not available"):
        kernels.set_kernel("quantum")
