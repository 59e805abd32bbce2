import CEngineDNNL
import CEngineKernels
import Foundation

/// The engine's matrix products that involve a layer's weights, in the compute path of the moment
/// (`EnginePrecision.compute`): f32 through OpenBLAS (half-precision weights widened block by block so
/// no f32 copy of a whole model ever exists), bf16 through oneDNN, or int8 (``Int8Products``).
enum WeightProducts {
    /// Weight values widened per block on the f32 path (4 MiB of f32, in cache for the product), and
    /// the fewest rows a block has, so that no product gets too thin to run at full speed.
    static let blockFloats = 1 << 20
    static let minimumBlockRows = 128

    /// `c[rows × out] (+)= x[rows × in] · Wᵀ` for a `[out, in]` weight (`nn.Linear`); `ldc ≥ out`. The
    /// weight's low-rank side products, if any, are added: `c += scale · (x · downᵀ) · upᵀ`.
    static func linear(_ x: UnsafePointer<Float>, rows: Int, inFeatures k: Int, weight: WeightMatrix, outFeatures n: Int,
                       c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        linearWithoutSides(x, rows: rows, inFeatures: k, weight: weight, outFeatures: n, c: c, ldc: ldc, accumulate: accumulate)
        guard rows > 0, n > 0 else { return }
        for side in weight.sides {
            let t = UnsafeMutablePointer<Float>.allocate(capacity: rows * side.rank)
            defer { t.deallocate() }
            linearWithoutSides(x, rows: rows, inFeatures: k, weight: side.down, outFeatures: side.rank, c: t, ldc: side.rank,
                               accumulate: false)
            side.up.withFloats { up in
                BLAS.gemm(transB: true, m: rows, n: n, k: side.rank, alpha: side.scale, a: t, lda: side.rank, b: up, ldb: side.rank,
                          beta: 1, c: c, ldc: ldc)
            }
        }
    }

    private static func linearWithoutSides(_ x: UnsafePointer<Float>, rows: Int, inFeatures k: Int, weight: WeightMatrix, outFeatures n: Int,
                                           c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        guard rows > 0, n > 0 else { return }
        if EnginePrecision.compute == .int8 {
            Int8Products.linear(x, rows: rows, inFeatures: k, weight: weight, outFeatures: n, c: c, ldc: ldc, accumulate: accumulate)
            return
        }
        if EnginePrecision.compute == .bf16 {
            let xb = BF16.copy(x, count: rows * k)
            defer { xb.deallocate() }
            weight.withBF16 { w in
                BF16Products.matmul(m: rows, n: n, k: k, a: xb, aRowStride: k, aColumnStride: 1,
                                    b: w, bRowStride: 1, bColumnStride: k, c: c, cRowStride: ldc, accumulate: accumulate)
            }
            return
        }
        let beta: Float = accumulate ? 1 : 0
        let oneDNN = F32Products.linearOnOneDNN
        func product(_ w: UnsafePointer<Float>, columns nb: Int, into out: UnsafeMutablePointer<Float>) {
            if oneDNN {
                F32Products.matmul(m: rows, n: nb, k: k, a: x, aRowStride: k, b: w, bRowStride: 1, bColumnStride: k,
                                   c: out, cRowStride: ldc, accumulate: accumulate)
            } else {
                BLAS.gemm(transB: true, m: rows, n: nb, k: k, a: x, lda: k, b: w, ldb: k, beta: beta, c: out, ldc: ldc)
            }
        }
        if case .f32(let values) = weight.storage {
            values.withUnsafeBufferPointer { w in product(w.baseAddress!, columns: n, into: c) }
            return
        }
        let block = max(minimumBlockRows, blockFloats / max(1, k))
        var o0 = 0
        while o0 < n {
            let nb = min(block, n - o0)
            weight.withFloats(o0 * k ..< (o0 + nb) * k) { w in product(w, columns: nb, into: c + o0) }
            o0 += nb
        }
    }

    /// `c[out × cols] (+)= W[out × k] · b[k × cols]` (a convolution's weight times its input columns).
    static func weightTimes(_ weight: WeightMatrix, rows m: Int, k: Int, b: UnsafePointer<Float>, ldb: Int, columns n: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        guard m > 0, n > 0 else { return }
        if EnginePrecision.compute == .int8 {
            Int8Products.weightTimes(weight, rows: m, k: k, b: b, ldb: ldb, columns: n, c: c, ldc: ldc, accumulate: accumulate)
            return
        }
        if EnginePrecision.compute == .bf16 {
            let bb = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, k * n))
            defer { bb.deallocate() }
            if ldb == n {
                BF16.narrow(b, into: bb, count: k * n)
            } else {
                for r in 0..<k { BF16.narrow(b + r * ldb, into: bb + r * n, count: n) }
            }
            weight.withBF16 { w in
                BF16Products.matmul(m: m, n: n, k: k, a: w, aRowStride: k, aColumnStride: 1,
                                    b: bb, bRowStride: n, bColumnStride: 1, c: c, cRowStride: ldc, accumulate: accumulate)
            }
            return
        }
        let beta: Float = accumulate ? 1 : 0
        if case .f32(let values) = weight.storage {
            values.withUnsafeBufferPointer { w in
                BLAS.gemm(m: m, n: n, k: k, a: w.baseAddress!, lda: k, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            }
            return
        }
        let block = max(minimumBlockRows, blockFloats / max(1, k))
        var r0 = 0
        while r0 < m {
            let mb = min(block, m - r0)
            weight.withFloats(r0 * k ..< (r0 + mb) * k) { w in
                BLAS.gemm(m: mb, n: n, k: k, a: w, lda: k, b: b, ldb: ldb, beta: beta, c: c + r0 * ldc, ldc: ldc)
            }
            r0 += mb
        }
    }
}

/// f32 products through oneDNN, for the linear layers on CPUs where oneDNN's f32 matmul measured faster
/// than OpenBLAS's sgemm (AVX-512: 20-50 % on the UNet's linear shapes, docs/benchmarks.md). AVX2-only
/// CPUs keep OpenBLAS (not measured there). `ARTFACTORY_F32_GEMM=openblas|onednn` overrides the choice.
enum F32Products {
    static let linearOnOneDNN: Bool = {
        switch ProcessInfo.processInfo.environment["ARTFACTORY_F32_GEMM"] {
        case "openblas": return false
        case "onednn": return afk_dnnl_available() != 0
        default: return EnginePrecision.features & AFK_CPU_AVX512F != 0 && afk_dnnl_available() != 0
        }
    }()

    /// `c[i][j] = Σ_q a[i][q] b[q][j]` (+ c when `accumulate`), strides in elements.
    static func matmul(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRowStride: Int,
                       b: UnsafePointer<Float>, bRowStride: Int, bColumnStride: Int,
                       c: UnsafeMutablePointer<Float>, cRowStride: Int, accumulate: Bool) {
        let status = afk_dnnl_matmul_f32(1, Int64(m), Int64(n), Int64(k), a, 0, Int64(aRowStride), 1,
                                         b, 0, Int64(bRowStride), Int64(bColumnStride), c, 0, Int64(cRowStride), 1, accumulate ? 1 : 0)
        precondition(status == 0, "oneDNN f32 matmul \(m)x\(n)x\(k) failed with status \(status)")
    }
}

/// Batched, strided bf16 products with f32 results through oneDNN (CEngineDNNL).
enum BF16Products {
    /// `c[p][i][j] = alpha Σ_q a[p][i][q] b[p][q][j]` (+ c when `accumulate`), strides in elements.
    static func matmul(batch: Int = 1, m: Int, n: Int, k: Int,
                       a: UnsafePointer<UInt16>, aBatchStride: Int = 0, aRowStride: Int, aColumnStride: Int,
                       b: UnsafePointer<UInt16>, bBatchStride: Int = 0, bRowStride: Int, bColumnStride: Int,
                       c: UnsafeMutablePointer<Float>, cBatchStride: Int = 0, cRowStride: Int,
                       alpha: Float = 1, accumulate: Bool = false) {
        let status = afk_dnnl_matmul_bf16(Int64(batch), Int64(m), Int64(n), Int64(k),
                                          a, Int64(aBatchStride), Int64(aRowStride), Int64(aColumnStride),
                                          b, Int64(bBatchStride), Int64(bRowStride), Int64(bColumnStride),
                                          c, Int64(cBatchStride), Int64(cRowStride), alpha, accumulate ? 1 : 0)
        precondition(status == 0, "oneDNN bf16 matmul \(batch)x\(m)x\(n)x\(k) failed with status \(status)")
    }

    /// The kernel oneDNN picked most recently (e.g. "brg:avx512_core_bf16", "brg:avx512_core_amx").
    static var lastImplementation: String { String(cString: afk_dnnl_last_impl()) }

    /// Distinct product shapes prepared so far.
    static var cachedPrimitives: Int { Int(afk_dnnl_cached_primitives()) }
}
