import CEngineDNNL
import CEngineKernels
import Foundation

/// The tiny decoder's layers on the bf16 path with activations kept in bf16 NHWC from one convolution to
/// the next (`afk_dnnl_conv2d_nhwc_bf16`): ReLU and each block's residual add run as oneDNN post-ops and
/// nearest upsampling copies NHWC rows, so no layer reorders its input or output (the per-call NCHW f32 ↔
/// blocked bf16 reorders of ``OneDNNConvolution`` were most of a 512² decode's time). Activations are
/// rounded to bf16 between layers, as torch's bf16 autocast does.
enum TinyChainNHWC {
    /// `ARTFACTORY_TINY_NHWC=off` keeps the layer-by-layer path (for comparisons; tests switch it).
    nonisolated(unsafe) static var enabled = ProcessInfo.processInfo.environment["ARTFACTORY_TINY_NHWC"] != "off"

    /// Whether `layers` can run this way now: the bf16 kernels, oneDNN, and a chain that ends in a convolution.
    static func applies(_ layers: [TinyLayer]) -> Bool {
        guard enabled, EnginePrecision.bf16Arithmetic, OneDNNConvolution.policy != .none,
              case .conv? = layers.last else { return false }
        return true
    }

    /// bf16 NHWC activations of `n` images.
    struct Activations {
        var bits: [UInt16]
        var n: Int, c: Int, h: Int, w: Int
    }

    /// Runs `layers` on NCHW f32 `input`; nil when oneDNN refused a call (the caller runs the f32 layers).
    static func run(_ layers: [TinyLayer], _ input: Tensor) -> Tensor? {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        var nhwc = [Float](repeating: 0, count: input.count)
        input.data.withUnsafeBufferPointer { src in
            for b in 0..<n { for ch in 0..<c { for p in 0..<h * w { nhwc[(b * h * w + p) * c + ch] = src[(b * c + ch) * h * w + p] } } }
        }
        var x = Activations(bits: WeightMatrix.narrowToBF16(nhwc), n: n, c: c, h: h, w: w)
        var i = 0
        while i < layers.count {
            switch layers[i] {
            case .conv(let conv):
                if i == layers.count - 1 { return last(conv, x) }
                let relu = i + 1 < layers.count && { if case .relu = layers[i + 1] { return true } else { return false } }()
                guard let y = convolve(conv, x, relu: relu) else { return nil }
                x = y
                i += relu ? 2 : 1
                continue
            case .relu:
                for j in x.bits.indices where x.bits[j] & 0x8000 != 0 { x.bits[j] = 0 }
            case .upsample:
                x = upsample(x)
            case .block(let block):
                guard let a = convolve(block.conv0, x, relu: true), let b = convolve(block.conv2, a, relu: true),
                      let y = convolve(block.conv4, b, relu: true, adding: x) else { return nil }
                x = y
            }
            i += 1
        }
        return nil
    }

    /// `relu?(conv(x) (+ adding))` in bf16 NHWC.
    private static func convolve(_ conv: Conv2d, _ x: Activations, relu: Bool, adding: Activations? = nil) -> Activations? {
        let oh = (x.h + 2 * conv.padding - conv.kernel) / conv.stride + 1, ow = (x.w + 2 * conv.padding - conv.kernel) / conv.stride + 1
        var out = adding?.bits ?? [UInt16](repeating: 0, count: x.n * oh * ow * conv.outChannels)
        guard out.count == x.n * oh * ow * conv.outChannels else { return nil }
        let status = call(conv, x) { dst in
            out.withUnsafeMutableBytes { afk_dnnl_conv2d_nhwc_bf16(dst.n, dst.ic, dst.ih, dst.iw, dst.oc, dst.k, dst.s, dst.p, dst.src, dst.w,
                                                                   dst.bias, $0.baseAddress, 0, adding == nil ? 0 : 1, relu ? 1 : 0) }
        }
        return status == 0 ? Activations(bits: out, n: x.n, c: conv.outChannels, h: oh, w: ow) : nil
    }

    /// The final convolution, in f32, back to an NCHW tensor.
    private static func last(_ conv: Conv2d, _ x: Activations) -> Tensor? {
        let oh = (x.h + 2 * conv.padding - conv.kernel) / conv.stride + 1, ow = (x.w + 2 * conv.padding - conv.kernel) / conv.stride + 1
        let oc = conv.outChannels
        var out = [Float](repeating: 0, count: x.n * oh * ow * oc)
        let status = call(conv, x) { a in
            out.withUnsafeMutableBytes { afk_dnnl_conv2d_nhwc_bf16(a.n, a.ic, a.ih, a.iw, a.oc, a.k, a.s, a.p, a.src, a.w, a.bias,
                                                                   $0.baseAddress, 1, 0, 0) }
        }
        guard status == 0 else { return nil }
        var y = Tensor(shape: [x.n, oc, oh, ow])
        y.data.withUnsafeMutableBufferPointer { dst in
            for b in 0..<x.n { for p in 0..<oh * ow { for ch in 0..<oc { dst[(b * oc + ch) * oh * ow + p] = out[(b * oh * ow + p) * oc + ch] } } }
        }
        return y
    }

    private struct Arguments {
        let n, ic, ih, iw, oc, k, s, p: Int64
        let src: UnsafePointer<UInt16>
        let w: UnsafePointer<Float>
        let bias: UnsafePointer<Float>?
    }

    private static func call(_ conv: Conv2d, _ x: Activations, _ body: (Arguments) -> Int32) -> Int32 {
        x.bits.withUnsafeBufferPointer { src in
            conv.weight.withFloats { w in
                conv.bias.withOptionalPointer { bias in
                    body(Arguments(n: Int64(x.n), ic: Int64(x.c), ih: Int64(x.h), iw: Int64(x.w), oc: Int64(conv.outChannels),
                                   k: Int64(conv.kernel), s: Int64(conv.stride), p: Int64(conv.padding), src: src.baseAddress!, w: w,
                                   bias: bias))
                }
            }
        }
    }

    /// Nearest 2× upsampling of NHWC rows: each pixel written twice into a row, each row twice.
    private static func upsample(_ x: Activations) -> Activations {
        let (oh, ow, c) = (x.h * 2, x.w * 2, x.c)
        var out = [UInt16](repeating: 0, count: x.n * oh * ow * c)
        x.bits.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                Parallel.forEachChunk(x.n * x.h, minimumPerChunk: 8) { rows in
                    for r in rows {
                        let b = r / x.h, y = r % x.h
                        let line = s + (b * x.h + y) * x.w * c
                        let top = d + (b * oh + 2 * y) * ow * c
                        for px in 0..<x.w {
                            (top + 2 * px * c).update(from: line + px * c, count: c)
                            (top + (2 * px + 1) * c).update(from: line + px * c, count: c)
                        }
                        (top + ow * c).update(from: top, count: ow * c)
                    }
                }
            }
        }
        return Activations(bits: out, n: x.n, c: c, h: oh, w: ow)
    }
}
