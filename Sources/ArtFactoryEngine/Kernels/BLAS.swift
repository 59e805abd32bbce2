import CBLAS
import Foundation

/// Thin, typed access to OpenBLAS: row-major single-precision matrix multiply and thread control.
///
/// OpenBLAS picks its compute kernel when the library loads; on this CPU it chooses a slow Haswell
/// kernel unless `OPENBLAS_CORETYPE` names a better one *before* loading (see `Engine.configureBLAS`
/// callers, e.g. the daemon's start-up, which must set the environment before the first BLAS call).
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C` with row-major storage.
    /// - Parameters:
    ///   - m: rows of op(A) and C; `n`: columns of op(B) and C; `k`: the inner dimension.
    ///   - lda/ldb/ldc: row strides (in elements) of the stored A, B, C.
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The compute kernel OpenBLAS selected at load time (e.g. "Haswell", "SkylakeX").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Runs `body` with OpenBLAS limited to one thread, for work that is itself split across cores.
    static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        let previous = threadCount
        if previous == 1 { return try body() }
        threadCount = 1
        defer { threadCount = previous }
        return try body()
    }
}

/// Splits `count` independent items over the machine's cores.
enum Parallel {
    /// Cores available to this process.
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body(range)` for contiguous chunks covering `0..<count`, chunks running concurrently.
    /// Small jobs (`count < minimumPerChunk * 2`) run inline.
    static func forEachChunk(_ count: Int, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(cores, max(1, count / max(1, minimumPerChunk)))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        // The chunks touch disjoint ranges of the caller's buffers, so sharing `body` is safe.
        nonisolated(unsafe) let shared = body
        DispatchQueue.concurrentPerform(iterations: chunks) { i in
            let lo = count * i / chunks
            let hi = count * (i + 1) / chunks
            if lo < hi { shared(lo..<hi) }
        }
    }
}
