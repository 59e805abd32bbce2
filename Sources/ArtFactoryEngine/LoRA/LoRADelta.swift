/// The arithmetic of each LoRA kind: checking an update against the layer it targets and adding
/// `multiplier × scale × ΔW` to that layer's weight, with `scale = alpha / rank` as A1111 and diffusers
/// use it (1 when the file gives no alpha, or for full-rank differences).
///
/// Weights are `[out, in, k, k]` (convolutions) or `[out, in]` (linear layers), row-major, so every
/// update is an `out × (in·k·k)` matrix added in place.
enum LoRADelta {
    /// Checks that `update` fits a layer of `shape` (and has a bias to patch when it patches one).
    /// - Throws: `EngineError` `lora.shapeMismatch` naming the key; the usual cause is a LoRA made for
    ///   another base model.
    static func check(_ update: LoRAFile.Update, shape: [Int], hasBias: Bool, key: String, path: String) throws {
        let out = shape[0], inChannels = shape[1], columns = shape.dropFirst().reduce(1, *)
        func fail(_ detail: String) -> EngineError {
            EngineError.lora(path, "shapeMismatch",
                             "Key \"\(key)\" does not fit the model: \(detail), but the layer's weight is \(shape). The LoRA was made for another base model (for example SDXL or SD 2.x instead of SD 1.x); pick a LoRA trained for this model",
                             key: key)
        }
        switch update {
        case .lowRank(let up, let down, _):
            let rank = up.shape.count >= 2 ? up.shape[1] : 0
            guard up.shape.first == out, rank > 0, up.count == out * rank else { throw fail("lora_up is \(up.shape)") }
            guard down.shape.first == rank, down.count == rank * columns, down.shape.count < 2 || down.shape[1] == inChannels else {
                throw fail("lora_down is \(down.shape) for rank \(rank)")
            }
        case .loha(let w1a, let w1b, let w2a, let w2b, _):
            for (a, b) in [(w1a, w1b), (w2a, w2b)] {
                let rank = b.shape.first ?? 0
                guard a.shape.first == out, rank > 0, a.count == out * rank, b.count == rank * columns else {
                    throw fail("hada factors are \(a.shape) and \(b.shape)")
                }
            }
        case .lokr:
            _ = try kronecker(update, out: out, inChannels: inChannels, columns: columns, fail: fail)
        case .full(let diff, let diffBias):
            if let diff, diff.count != out * columns { throw fail("diff is \(diff.shape)") }
            if let diffBias {
                guard hasBias, diffBias.count == out else { throw fail("diff_b is \(diffBias.shape)") }
            }
        }
    }

    /// Adds `multiplier × scale × ΔW` (and any bias difference) to the layer. Call `check` first.
    static func accumulate(_ update: LoRAFile.Update, multiplier: Float, shape: [Int], defaultAlpha: Float?,
                           weight: inout [Float], bias: inout [Float]?) {
        let out = shape[0], inChannels = shape[1], columns = shape.dropFirst().reduce(1, *)
        switch update {
        case .lowRank(let up, let down, let alpha):
            let rank = up.shape[1]
            let scale = (alpha ?? defaultAlpha).map { $0 / Float(rank) } ?? 1
            gemm(out, columns, rank, multiplier * scale, up.data, down.data, into: &weight)
        case .loha(let w1a, let w1b, let w2a, let w2b, let alpha):
            let rank = w1b.shape[0]
            let scale = alpha.map { $0 / Float(rank) } ?? 1
            var p1 = [Float](repeating: 0, count: out * columns), p2 = p1
            gemm(out, columns, rank, 1, w1a.data, w1b.data, into: &p1)
            gemm(out, columns, w2b.shape[0], 1, w2a.data, w2b.data, into: &p2)
            let s = multiplier * scale
            for i in weight.indices { weight[i] += s * p1[i] * p2[i] }
        case .lokr(_, _, _, _, _, _, let alpha):
            guard let k = try? kronecker(update, out: out, inChannels: inChannels, columns: columns,
                                         fail: { EngineError.lora("", "shapeMismatch", $0, key: nil) }) else { return }
            let scale = (alpha != nil && k.rank != nil) ? alpha! / Float(k.rank!) : 1
            let s = multiplier * scale
            let kk = columns / inChannels
            for a in 0..<k.o1 {
                for c in 0..<k.i1 {
                    let f = s * k.w1[a * k.i1 + c]
                    if f == 0 { continue }
                    for b in 0..<k.o2 {
                        let row = (a * k.o2 + b) * columns + c * k.i2 * kk
                        let src = b * k.i2 * kk
                        for t in 0..<(k.i2 * kk) { weight[row + t] += f * k.w2[src + t] }
                    }
                }
            }
        case .full(let diff, let diffBias):
            if let diff { for i in weight.indices { weight[i] += multiplier * diff.data[i] } }
            if let diffBias, bias != nil {
                for i in 0..<out { bias![i] += multiplier * diffBias.data[i] }
            }
        }
    }

    /// LoKr's two factors as matrices: `w1 [o1, i1]`, `w2 [o2, i2·k·k]`, and the rank when decomposed.
    struct Kronecker {
        var w1: [Float], o1: Int, i1: Int
        var w2: [Float], o2: Int, i2: Int
        var rank: Int?
    }

    static func kronecker(_ update: LoRAFile.Update, out: Int, inChannels: Int, columns: Int,
                          fail: (String) -> EngineError) throws -> Kronecker {
        guard case .lokr(let w1, let w1a, let w1b, let w2, let w2a, let w2b, _) = update else { throw fail("not a LoKr update") }
        var rank: Int?
        let kk = columns / max(1, inChannels)
        var m1: [Float], o1: Int, i1: Int
        if let w1 {
            guard w1.shape.count == 2 else { throw fail("lokr_w1 is \(w1.shape)") }
            (m1, o1, i1) = (w1.data, w1.shape[0], w1.shape[1])
        } else if let w1a, let w1b, w1a.shape.count == 2, w1b.shape.count == 2, w1a.shape[1] == w1b.shape[0] {
            (o1, i1) = (w1a.shape[0], w1b.shape[1])
            m1 = [Float](repeating: 0, count: o1 * i1)
            gemm(o1, i1, w1b.shape[0], 1, w1a.data, w1b.data, into: &m1)
            rank = w1b.shape[0]
        } else {
            throw fail("lokr_w1_a/b are \(w1a?.shape ?? []) and \(w1b?.shape ?? [])")
        }
        guard o1 > 0, i1 > 0, out % o1 == 0, inChannels % i1 == 0 else { throw fail("lokr_w1 is [\(o1), \(i1)]") }
        let o2 = out / o1, i2 = inChannels / i1
        var m2: [Float]
        if let w2 {
            guard w2.count == o2 * i2 * kk, w2.shape.first == o2 else { throw fail("lokr_w2 is \(w2.shape)") }
            m2 = w2.data
        } else if let w2a, let w2b, w2a.shape.count == 2, w2a.shape[0] == o2, w2b.shape.first == w2a.shape[1],
                  w2b.count == w2a.shape[1] * i2 * kk {
            m2 = [Float](repeating: 0, count: o2 * i2 * kk)
            gemm(o2, i2 * kk, w2a.shape[1], 1, w2a.data, w2b.data, into: &m2)
            rank = w2a.shape[1]
        } else {
            throw fail("lokr_w2_a/b are \(w2a?.shape ?? []) and \(w2b?.shape ?? [])")
        }
        return Kronecker(w1: m1, o1: o1, i1: i1, w2: m2, o2: o2, i2: i2, rank: rank)
    }

    /// `c += alpha · a[m×k] · b[k×n]`.
    static func gemm(_ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: [Float], _ b: [Float], into c: inout [Float]) {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    guard let a = ap.baseAddress, let b = bp.baseAddress, let c = cp.baseAddress else { return }
                    BLAS.gemm(m: m, n: n, k: k, alpha: alpha, a: a, lda: k, b: b, ldb: n, beta: 1, c: c, ldc: n)
                }
            }
        }
    }
}
