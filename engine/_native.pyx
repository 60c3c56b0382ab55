# Thin Python wrappers around the native ternary kernels (engine/native/*.c).
# The same classes exist in plain NumPy in engine/kernels_ref.py; tests compare the two.
import numpy as np
cimport numpy as cnp

from libc.stdint cimport INT32_MAX, int8_t, int32_t, int64_t, uint8_t
from ternary cimport *

cnp.import_array()

OUT_BLOCK = BT_OUT_BLOCK


def kernel_name():
    """Name of the kernel in use: "avx512vnni", "avx2", "neon_dotprod" or "generic"."""
    return bt_kernel_name().decode()


def available_kernels():
    """Kernels this build can run on this CPU, best first."""
    return tuple(bt_available_kernels().decode().split(","))


def set_kernel(str name):
    """Force a kernel for every layer in the process ("auto" picks the best again)."""
    if bt_set_kernel(name.encode()) != 0:
        raise ValueError(f"kernel {name!r} is not available here; available: {', '.join(available_kernels())}")


def unpack_trits(const uint8_t[::1] packed, int64_t count):
    """Decode count weights from 5-trit bytes (the format's ternary dtype) into int8 {-1, 0, 1}."""
    if packed.shape[0] * 5 < count or count < 0:
        raise ValueError(f"{packed.shape[0]} bytes cannot hold {count} trits")
    out = np.empty(count, dtype=np.int8)
    cdef int8_t[::1] out_view = out
    cdef int rc
    with nogil:
        rc = bt_unpack_trits(&packed[0] if packed.shape[0] else NULL, count, &out_view[0] if count else NULL)
    if rc != 0:
        raise ValueError("packed ternary data holds a byte above 242")
    return out


# Bounds of one layer (docs/kernels.md, "Limits"). They keep every size of the C kernels'
# int32 fields and every buffer size well inside 64 bits, and no decoded layer above
# MAX_LAYER_BYTES; the model loader's bounds (docs/model-format.md) are far tighter.
MAX_CHANNELS = 1 << 16
MAX_KERNEL_SIZE = 1 << 12
MAX_DILATION = 1 << 20
MAX_PADDING = 1 << 20
MAX_LAYER_BYTES = 1 << 28
MAX_HOP = 1 << 16  # samples a frame of the oscillator bank


cdef inline int64_t round_up(int64_t value, int64_t multiple) noexcept nogil:
    return (value + multiple - 1) // multiple * multiple


def _bounded(value, int64_t low, int64_t high, str what):
    """``value`` as an int in [low, high], else ValueError naming ``what``."""
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{what} {value} is out of range ({low} to {high})")
    return value


cdef class TernaryConv1d:
    """A ternary 1-D convolution over time on int8 activations, frames in rows.

    weights: int8 array [c_out, c_in, kernel_size] with values in {-1, 0, 1}.
    scale:   beta, the weight scale: a float or one per output channel.
    Calling it on float32 x[frames, c_in] quantizes each frame by its absmax (gamma) to int8,
    accumulates in int32 per kernel tap, and returns float32 [frames_out, c_out] =
    beta * sum_k gamma_(t+k*dilation) / 127 * taps + bias. Immutable once made; safe to share
    between threads.

    Sizes are bounded (``MAX_CHANNELS``, ``MAX_KERNEL_SIZE``, ``MAX_DILATION``, ``MAX_PADDING``,
    ``MAX_LAYER_BYTES``; ValueError beyond) and all size arithmetic is 64-bit. Every call checks
    its buffers against the layer's shape before the kernel runs, so no input can make a kernel
    read or write out of bounds.
    """
    cdef bt_conv_layer layer
    cdef readonly int c_in, c_out, kernel_size, dilation, padding
    cdef int64_t span  # dilation * (kernel_size - 1): input frames one output frame reaches past its first
    cdef object _w, _comp, _scale, _bias

    def __init__(self, weights, scale, bias=None, dilation=1, padding=0):
        w = np.asarray(weights)
        if w.ndim != 3:
            raise ValueError(f"weights must be [c_out, c_in, kernel_size], got shape {w.shape}")
        if w.size and (w.min() < -1 or w.max() > 1):
            raise ValueError("ternary weights must be in {-1, 0, 1}")
        cdef int64_t c_out = _bounded(w.shape[0], 1, MAX_CHANNELS, "c_out")
        cdef int64_t c_in = _bounded(w.shape[1], 1, MAX_CHANNELS, "c_in")
        cdef int64_t kernel_size = _bounded(w.shape[2], 1, MAX_KERNEL_SIZE, "kernel_size")
        cdef int64_t dil = _bounded(dilation, 1, MAX_DILATION, "dilation")
        cdef int64_t pad = _bounded(padding, 0, MAX_PADDING, "padding")
        cdef int64_t c_in4 = round_up(c_in, 4)
        cdef int64_t c_out_pad = round_up(c_out, BT_OUT_BLOCK)
        if kernel_size * c_in4 * c_out_pad > MAX_LAYER_BYTES or 2 * pad * c_in4 > MAX_LAYER_BYTES:
            raise ValueError(
                f"a layer of shape {w.shape} with padding {pad} decodes to more than {MAX_LAYER_BYTES} bytes")
        self.c_out, self.c_in, self.kernel_size = <int>c_out, <int>c_in, <int>kernel_size
        self.dilation, self.padding = <int>dil, <int>pad
        self.span = dil * (kernel_size - 1)
        # [c_out, c_in, K] -> [K, c_in4/4, c_out_pad, 4]: 4 input channels of 16 outputs per vector.
        full = np.zeros((c_out_pad, c_in4, kernel_size), dtype=np.int8)
        full[:c_out, :c_in] = w
        self._w = np.ascontiguousarray(
            full.transpose(2, 1, 0).reshape(kernel_size, c_in4 // 4, 4, c_out_pad).transpose(0, 1, 3, 2))
        self._comp = np.ascontiguousarray(128 * full.sum(axis=1, dtype=np.int32).T)
        scale_arr = np.broadcast_to(np.asarray(scale, dtype=np.float32), (c_out,))
        bias_arr = np.zeros(c_out, np.float32) if bias is None else np.asarray(bias, np.float32)
        if bias_arr.shape != (c_out,):
            raise ValueError(f"bias must have {c_out} values, got shape {bias_arr.shape}")
        self._scale = np.zeros(c_out_pad, np.float32)
        self._scale[:c_out] = scale_arr.astype(np.float32) / np.float32(127)
        self._bias = np.zeros(c_out_pad, np.float32)
        self._bias[:c_out] = bias_arr
        cdef const int8_t[:, :, :, ::1] wv = self._w
        cdef const int32_t[:, ::1] cv = self._comp
        cdef const float[::1] sv = self._scale
        cdef const float[::1] bv = self._bias
        self.layer.c_in, self.layer.c_out = <int32_t>c_in, <int32_t>c_out
        self.layer.kernel_size, self.layer.dilation = <int32_t>kernel_size, <int32_t>dil
        self.layer.padding = <int32_t>pad
        self.layer.c_in4, self.layer.c_out_pad = <int32_t>c_in4, <int32_t>c_out_pad
        self.layer.w = &wv[0, 0, 0, 0]
        self.layer.comp = &cv[0, 0]
        self.layer.scale = &sv[0]
        self.layer.bias = &bv[0]

    @property
    def nbytes(self):
        """Resident bytes of the decoded layer (weights, compensation, scales, bias)."""
        return self._w.nbytes + self._comp.nbytes + self._scale.nbytes + self._bias.nbytes

    def out_frames(self, int64_t frames):
        return frames + 2 * <int64_t>self.padding - self.span

    cdef int _check_call(self, Py_ssize_t xq_rows, Py_ssize_t xq_cols, Py_ssize_t gamma_len,
                         int64_t frames_out, Py_ssize_t out_rows, Py_ssize_t out_cols) except -1:
        """Before a kernel runs: the buffers hold what it will read and write (cheap, once a call).
        It reads activation rows and gammas [0, frames_out + span) of c_in4 bytes each, weights
        [K][c_in4/4][c_out_pad][4], and writes out rows [0, frames_out) of c_out_pad values."""
        if self._w.shape != (self.layer.kernel_size, self.layer.c_in4 // 4, self.layer.c_out_pad, 4) or (
                self._comp.shape != (self.layer.kernel_size, self.layer.c_out_pad)):
            raise RuntimeError("the layer's weights do not match its shape")
        if (frames_out < 1 or xq_cols != self.layer.c_in4 or frames_out + self.span > xq_rows
                or gamma_len < xq_rows or out_rows < frames_out or out_cols < self.layer.c_out_pad):
            raise RuntimeError(
                f"buffers do not fit the layer: {xq_rows}x{xq_cols} activations, {gamma_len} scales, "
                f"{out_rows}x{out_cols} outputs for {frames_out} frames of a [{self.c_out}, {self.c_in}, "
                f"{self.kernel_size}] layer with dilation {self.dilation}")
        return 0

    cdef _quantize(self, const float[:, :] x):
        if x.shape[1] != self.c_in:
            raise ValueError(f"input has {x.shape[1]} channels, the layer expects {self.c_in}")
        if x.strides[1] != sizeof(float):
            raise ValueError("input rows must be contiguous")
        cdef int64_t rows = x.shape[0]
        cdef int64_t total = rows + 2 * <int64_t>self.padding
        xq = np.empty((total, self.layer.c_in4), dtype=np.uint8)
        gamma = np.empty(total, dtype=np.float32)
        cdef uint8_t[:, ::1] xqv = xq
        cdef float[::1] gv = gamma
        cdef int64_t stride = x.strides[0] // <int64_t>sizeof(float)
        if xqv.shape[0] != total or xqv.shape[1] != self.layer.c_in4 or gv.shape[0] != total:
            raise RuntimeError("activation buffer does not fit the input")
        with nogil:
            bt_quantize_frames(&x[0, 0] if rows else NULL, rows, self.layer.c_in, stride, self.layer.padding,
                               self.layer.c_in4, &xqv[0, 0], &gv[0])
        return xq, gamma

    def __call__(self, x):
        """float32 x[frames, c_in] -> float32 [frames_out, c_out] (a view of a padded buffer)."""
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2:
            raise ValueError(f"input must be [frames, channels], got shape {x.shape}")
        if x.strides[1] != 4:
            x = np.ascontiguousarray(x)
        cdef int64_t frames_out = self.out_frames(x.shape[0])
        if frames_out < 1:
            if x.shape[1] != self.c_in:
                raise ValueError(f"input has {x.shape[1]} channels, the layer expects {self.c_in}")
            return np.zeros((max(frames_out, 0), self.c_out), np.float32)
        xq, gamma = self._quantize(x)
        out = np.empty((frames_out, self.layer.c_out_pad), dtype=np.float32)
        cdef const uint8_t[:, ::1] xqv = xq
        cdef const float[::1] gv = gamma
        cdef float[:, ::1] ov = out
        self._check_call(xqv.shape[0], xqv.shape[1], gv.shape[0], frames_out, ov.shape[0], ov.shape[1])
        with nogil:
            bt_conv1d(&self.layer, &xqv[0, 0], &gv[0], frames_out, &ov[0, 0], ov.shape[1], NULL)
        return out[:, : self.c_out]

    def tap_sums(self, xq):
        """The integer part: int8 q[frames, c_in] -> int32 [frames_out, kernel_size, c_out],
        sum over input channels of w * q for each kernel tap (zero padding at the edges)."""
        q = np.asarray(xq)
        if q.dtype != np.int8 or q.ndim != 2 or q.shape[1] != self.c_in:
            raise ValueError(f"expected int8 [frames, {self.c_in}], got {q.dtype} {q.shape}")
        if q.size and q.min() < -127:
            raise ValueError("quantized activations must be in [-127, 127]")
        cdef int64_t frames_out = self.out_frames(q.shape[0])
        if frames_out < 1:
            return np.zeros((max(frames_out, 0), self.kernel_size, self.c_out), np.int32)
        cdef int64_t rows = q.shape[0]
        cdef int64_t pad = self.padding
        padded = np.full((rows + 2 * pad, self.layer.c_in4), 128, dtype=np.uint8)
        padded[pad : pad + rows, : self.c_in] = (q.astype(np.int16) + 128).astype(np.uint8)
        gamma = np.zeros(padded.shape[0], np.float32)
        sums = np.empty((frames_out, self.kernel_size, self.layer.c_out_pad), dtype=np.int32)
        cdef const uint8_t[:, ::1] pv = padded
        cdef const float[::1] gv = gamma
        cdef int32_t[:, :, ::1] sv = sums
        self._check_call(pv.shape[0], pv.shape[1], gv.shape[0], frames_out, sv.shape[0], sv.shape[2])
        if sv.shape[1] != self.layer.kernel_size:
            raise RuntimeError("tap sum buffer does not fit the layer")
        with nogil:
            bt_conv1d(&self.layer, &pv[0, 0], &gv[0], frames_out, NULL, 0, &sv[0, 0, 0])
        return sums[:, :, : self.c_out]


def quantize_frames(x):
    """Per-frame absmax quantization, as the kernels do it: float32 x[frames, c] ->
    (int8 q[frames, c], float32 gamma[frames])."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError("input must be [frames, channels]")
    cdef int64_t rows = x.shape[0]
    cdef int64_t c = x.shape[1]
    if c > INT32_MAX - 4:
        raise ValueError(f"{c} channels are more than the kernels take")
    cdef int64_t c4 = round_up(max(c, 1), 4)
    xq = np.empty((max(rows, 1), c4), dtype=np.uint8)
    gamma = np.empty(max(rows, 1), dtype=np.float32)
    cdef const float[:, ::1] xv = x
    cdef uint8_t[:, ::1] qv = xq
    cdef float[::1] gv = gamma
    if rows and c:
        with nogil:
            bt_quantize_frames(&xv[0, 0], rows, <int32_t>c, c, 0, <int32_t>c4, &qv[0, 0], &gv[0])
    else:
        return np.zeros((rows, c), np.int8), np.zeros(rows, np.float32)
    return (xq[:rows, :c].astype(np.int16) - 128).astype(np.int8), gamma[:rows]


def harmonic_synth(f0, amplitudes, hop, double sample_rate, double phase=0.0, count=None):
    """DDSP oscillator bank: f0[frames] Hz, amplitudes[frames, harmonics] ->
    (float32 samples[count * hop], final phase). ``count`` (default: all frames) is how many
    frames to synthesize; the frame after the last one, when given, is the one it glides to, so
    parts of an utterance join exactly. Same maths as engine.dsp.harmonic_signal_reference."""
    f = np.ascontiguousarray(f0, dtype=np.float32)
    a = np.ascontiguousarray(amplitudes, dtype=np.float32)
    if f.ndim != 1 or a.ndim != 2 or a.shape[0] != f.shape[0]:
        raise ValueError(f"f0 must be [frames] and amplitudes [frames, harmonics]; got {f.shape} and {a.shape}")
    if not sample_rate > 0:
        raise ValueError("sample_rate must be positive")
    cdef int64_t hop_ = _bounded(hop, 1, MAX_HOP, "hop")
    cdef int64_t frames = f.shape[0]
    cdef int64_t harmonics = _bounded(a.shape[1], 0, INT32_MAX, "harmonics")
    cdef int64_t count_ = frames if count is None else _bounded(count, 0, frames, "count")
    out = np.empty(count_ * hop_, dtype=np.float32)
    if count_ == 0 or harmonics == 0:
        out[:] = 0
        return out, phase
    cdef const float[::1] fv = f
    cdef const float[:, ::1] av = a
    cdef float[::1] ov = out
    cdef double ph = phase
    cdef int rc
    if fv.shape[0] != frames or av.shape[0] != frames or av.shape[1] != harmonics or ov.shape[0] != count_ * hop_:
        raise RuntimeError("buffers do not fit the oscillator bank")
    with nogil:
        rc = bt_harmonic_synth(
            &fv[0], &av[0, 0], frames, count_, <int32_t>harmonics, <int32_t>hop_, sample_rate, &ph, &ov[0]
        )
    if rc != 0:
        raise MemoryError("harmonic synthesis could not allocate its frame buffer")
    return out, ph
