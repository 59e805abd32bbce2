import CEngineDNNL
import CEngineKernels
import Foundation

/// The int8 path's products (``ComputePath/int8``): dynamic, symmetric quantisation of both sides of a
/// product at the moment it runs, one scale per weight row (output channel) and one per activation row
/// (a token of a linear layer) or column (an output position of a convolution, or a Winograd tile), so
/// that an outlier in one token or pixel does not flatten the others. The s8 × s8 products run in oneDNN
/// with exact s32 sums (VNNI or AMX-INT8 kernels where the CPU has them) and are scaled back to f32.
/// Weights stay in their stored precision (bf16 on this path) and are quantised per call.
///
/// On CPUs without VNNI (AVX2 only) oneDNN's int8 kernels multiply with `vpmaddubsw`, which adds two u8 × s8
/// products into a saturating 16-bit sum; its s8 source is shifted to u8 (0...254), so the operand in
/// oneDNN's weights position is quantised to ±63 there (254 · 63 · 2 < 32768): the source side keeps 8 bits.
enum Int8Products {
    /// Quantisation levels of the operand in oneDNN's weights position.
    static let weightsSideLevels: Int32 = {
        let exact = AFK_CPU_AVX512_VNNI | AFK_CPU_AVX_VNNI | AFK_CPU_AMX_INT8
        // oneDNN capped below its VNNI kernels (DNNL_MAX_CPU_ISA=AVX2 or AVX512_CORE, as the benchmarks do).
        if let cap = ProcessInfo.processInfo.environment["DNNL_MAX_CPU_ISA"]?.uppercased(), !cap.isEmpty, cap != "ALL",
           !["VNNI", "BF16", "AMX"].contains(where: cap.contains) {
            return 63
        }
        return EnginePrecision.features & exact != 0 ? 127 : 63
    }()
    static let sourceLevels: Int32 = 127

    /// A quantised matrix: `q[r * columns + c]` with `scales[r]` (or per column, as made).
    struct Quantised {
        let q: UnsafeMutablePointer<Int8>
        var scales: [Float]
        func deallocate() { q.deallocate() }
    }

    /// The weight's `rows × columns` values quantised per row.
    static func quantiseRows(_ weight: WeightMatrix, rows: Int, columns: Int, levels: Int32) -> Quantised {
        let q = UnsafeMutablePointer<Int8>.allocate(capacity: max(1, rows * columns))
        var scales = [Float](repeating: 0, count: rows)
        scales.withUnsafeMutableBufferPointer { sp in
            let s = sp.baseAddress!
            switch weight.storage {
            case .f32(let v):
                v.withUnsafeBufferPointer { w in
                    Parallel.forEachChunk(rows, minimumPerChunk: 16) { r in
                        afk_quantize_rows_s8(0, w.baseAddress!, columns, columns, r.lowerBound, r.upperBound, levels, q, s)
                    }
                }
            case .f16(let v), .bf16(let v):
                let kind: Int32 = weight.kind == .f16 ? 1 : 2
                v.withUnsafeBufferPointer { w in
                    Parallel.forEachChunk(rows, minimumPerChunk: 16) { r in
                        afk_quantize_rows_s8(kind, w.baseAddress!, columns, columns, r.lowerBound, r.upperBound, levels, q, s)
                    }
                }
            }
        }
        return Quantised(q: q, scales: scales)
    }

    /// `rows × columns` f32 values (row stride `ld`) quantised per row.
    static func quantiseRows(_ x: UnsafePointer<Float>, ld: Int, rows: Int, columns: Int, levels: Int32 = sourceLevels) -> Quantised {
        let q = UnsafeMutablePointer<Int8>.allocate(capacity: max(1, rows * columns))
        var scales = [Float](repeating: 0, count: rows)
        scales.withUnsafeMutableBufferPointer { sp in
            let s = sp.baseAddress!
            Parallel.forEachChunk(rows, minimumPerChunk: 16) { r in
                afk_quantize_rows_s8(0, x, ld, columns, r.lowerBound, r.upperBound, levels, q, s)
            }
        }
        return Quantised(q: q, scales: scales)
    }

    /// `rows × columns` f32 values (row stride `ld`) quantised per column, into `q` (row stride `columns`).
    static func quantiseColumns(_ x: UnsafePointer<Float>, ld: Int, rows: Int, columns: Int, levels: Int32,
                                into q: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>) {
        Parallel.forEachChunk(columns, minimumPerChunk: 64) { c in
            afk_quantize_columns_s8(x, ld, rows, c.lowerBound, c.upperBound, levels, q, columns, scales)
        }
    }

    /// `c[i][j] (+)= rowScales[i] · columnScales[j] · acc[i][j]` for an `m × n` s32 matrix.
    static func dequantise(_ acc: UnsafePointer<Int32>, m: Int, n: Int, rowScales: UnsafePointer<Float>,
                           columnScales: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        Parallel.forEachChunk(m, minimumPerChunk: 16) { r in
            afk_dequantize_s32(acc, n, rowScales, columnScales, r.lowerBound, r.upperBound, n, c, ldc, accumulate ? 1 : 0)
        }
    }

    /// `c[i][j] = Σ_q a[p][i][q] b[p][q][j]` in exact s32 (strides in elements).
    static func matmul(batch: Int = 1, m: Int, n: Int, k: Int,
                       a: UnsafePointer<Int8>, aBatchStride: Int = 0, aRowStride: Int, aColumnStride: Int,
                       b: UnsafePointer<Int8>, bBatchStride: Int = 0, bRowStride: Int, bColumnStride: Int,
                       c: UnsafeMutablePointer<Int32>, cBatchStride: Int = 0, cRowStride: Int) {
        let status = afk_dnnl_matmul_s8(Int64(batch), Int64(m), Int64(n), Int64(k),
                                        a, Int64(aBatchStride), Int64(aRowStride), Int64(aColumnStride),
                                        b, Int64(bBatchStride), Int64(bRowStride), Int64(bColumnStride),
                                        c, Int64(cBatchStride), Int64(cRowStride))
        precondition(status == 0, "oneDNN s8 matmul \(batch)x\(m)x\(n)x\(k) failed with status \(status)")
    }

    /// s32 sums per block of a product (16 MiB): big products run in row blocks so that their sums stay
    /// below the allocator's mmap threshold (a fresh 80 MB buffer per call cost more in page faults than
    /// the product), in as few oneDNN calls as that allows (each call's threads spin after it, taking a core
    /// from the quantisation passes between calls).
    static let blockSums = 4 << 20

    /// `c[rows × n] (+)= x[rows × k] · Wᵀ` for an `[n, k]` weight.
    static func linear(_ x: UnsafePointer<Float>, rows: Int, inFeatures k: Int, weight: WeightMatrix, outFeatures n: Int,
                       c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let qw = quantiseRows(weight, rows: n, columns: k, levels: weightsSideLevels)
        defer { qw.deallocate() }
        let block = min(rows, max(64, blockSums / max(1, n)))
        let acc = UnsafeMutablePointer<Int32>.allocate(capacity: block * n)
        defer { acc.deallocate() }
        var r0 = 0
        while r0 < rows {
            let mb = min(block, rows - r0)
            let qx = quantiseRows(x + r0 * k, ld: k, rows: mb, columns: k)
            defer { qx.deallocate() }
            matmul(m: mb, n: n, k: k, a: qx.q, aRowStride: k, aColumnStride: 1, b: qw.q, bRowStride: 1, bColumnStride: k,
                   c: acc, cRowStride: n)
            qx.scales.withUnsafeBufferPointer { rs in
                qw.scales.withUnsafeBufferPointer { cs in
                    dequantise(acc, m: mb, n: n, rowScales: rs.baseAddress!, columnScales: cs.baseAddress!, into: c + r0 * ldc,
                               ldc: ldc, accumulate: accumulate)
                }
            }
            r0 += mb
        }
    }

    /// `c[m × n] (+)= W[m × k] · b[k × n]` (a convolution's weight times its input columns, `ldb ≥ n`), in
    /// column blocks of at most ``blockSums`` sums (a 1×1 convolution at 512² has 262144 columns).
    static func weightTimes(_ weight: WeightMatrix, rows m: Int, k: Int, b: UnsafePointer<Float>, ldb: Int, columns n: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let qw = quantiseRows(weight, rows: m, columns: k, levels: sourceLevels)
        let block = min(n, max(256, blockSums / max(1, m)))
        let qb = UnsafeMutablePointer<Int8>.allocate(capacity: k * block)
        var bs = [Float](repeating: 0, count: block)
        let acc = UnsafeMutablePointer<Int32>.allocate(capacity: m * block)
        defer { qw.deallocate(); qb.deallocate(); acc.deallocate() }
        var c0 = 0
        while c0 < n {
            let nb = min(block, n - c0)
            bs.withUnsafeMutableBufferPointer {
                quantiseColumns(b + c0, ld: ldb, rows: k, columns: nb, levels: weightsSideLevels, into: qb, scales: $0.baseAddress!)
            }
            matmul(m: m, n: nb, k: k, a: qw.q, aRowStride: k, aColumnStride: 1, b: qb, bRowStride: nb, bColumnStride: 1,
                   c: acc, cRowStride: nb)
            qw.scales.withUnsafeBufferPointer { rs in
                bs.withUnsafeBufferPointer { cs in
                    dequantise(acc, m: m, n: nb, rowScales: rs.baseAddress!, columnScales: cs.baseAddress!, into: c + c0, ldc: ldc,
                               accumulate: accumulate)
                }
            }
            c0 += nb
        }
    }

    /// Winograd's 16 products for a chunk of `tiles` tiles: `m[ξ] = u[ξ] · v[ξ]` for `u` `[16][cout][cin]` and
    /// `v` `[16][cin][tiles]`, quantised per `(ξ, output channel)` and per `(ξ, tile)`. `qu` comes from
    /// ``quantiseRows(_:ld:rows:columns:)`` of `u` as `16 · cout` rows.
    static func winograd(_ qu: Quantised, cout: Int, cin: Int, v: UnsafePointer<Float>, tiles nt: Int,
                         into m: UnsafeMutablePointer<Float>) {
        let qv = UnsafeMutablePointer<Int8>.allocate(capacity: 16 * cin * nt)
        let vs = UnsafeMutablePointer<Float>.allocate(capacity: 16 * nt)
        let acc = UnsafeMutablePointer<Int32>.allocate(capacity: 16 * cout * nt)
        defer { qv.deallocate(); vs.deallocate(); acc.deallocate() }
        // One (ξ, column range) per work item: 16 slices, each split across cores when the chunk is wide.
        let splits = max(1, Parallel.cores / 16 + 1)
        Parallel.forEachChunk(16 * splits) { items in
            for item in items {
                let xi = item / splits, part = item % splits
                let c0 = nt * part / splits, c1 = nt * (part + 1) / splits
                afk_quantize_columns_s8(v + xi * cin * nt, nt, cin, c0, c1, weightsSideLevels, qv + xi * cin * nt, nt, vs + xi * nt)
            }
        }
        matmul(batch: 16, m: cout, n: nt, k: cin, a: qu.q, aBatchStride: cout * cin, aRowStride: cin, aColumnStride: 1,
               b: qv, bBatchStride: cin * nt, bRowStride: nt, bColumnStride: 1, c: acc, cBatchStride: cout * nt, cRowStride: nt)
        qu.scales.withUnsafeBufferPointer { us in
            Parallel.forEachChunk(16 * cout, minimumPerChunk: 16) { r in
                for row in r {
                    let xi = row / cout
                    afk_dequantize_s32(acc, nt, us.baseAddress!, vs + xi * nt, row, row + 1, nt, m, nt, 0)
                }
            }
        }
    }
}
