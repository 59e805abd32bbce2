import Foundation

/// The engine's own products on the SD 1.5 UNet's shapes at 512² with guidance (batch 2), on every
/// compute path this CPU supports (int8 on attention = its bf16 or f32 kernels), medians of 5 (`artfactory-bench-engine ops`, run by
/// Scripts/bench-precision beside oneDNN's own f32 and bf16 kernels on the same shapes).
public enum PrecisionBenchmark {
    /// Prints one line per op: its shape and the median milliseconds on each supported path.
    /// - Parameter sections: which kinds of op to time (`conv`, `linear`, `attention`); all by default.
    public static func run(sections: Set<String> = ["conv", "linear", "attention"]) {
        func time(_ body: () -> Void) -> Double {
            body()
            var runs: [Double] = []
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                runs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return runs.sorted()[2] * 1000
        }
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1) } }
        // (label, path, how the weights are held): f32 weights are the engine before half-precision weights.
        var configs: [(String, ComputePath, WeightPrecision)] = [("f32/f32w", .f32, .f32), ("f32/f16w", .f32, .f16)]
        if EnginePrecision.bf16Supported { configs.append(("bf16/bf16w", .bf16, .bf16)) }
        if EnginePrecision.int8Supported { configs.append(("int8/bf16w", .int8, .bf16)) }
        print("op (median ms)".padding(toLength: 34, withPad: " ", startingAt: 0) + configs.map { $0.0.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
        func row(_ label: String, _ times: [Double]) {
            print(label.padding(toLength: 34, withPad: " ", startingAt: 0) + times.map { String(format: "%-12.2f", $0) }.joined())
        }
        for (c, size) in [(320, 64), (640, 32), (1280, 16), (1280, 8)] where sections.contains("conv") {
            let x = Tensor(shape: [2, c, size, size], data: random(2 * c * size * size))
            let values = random(c * c * 9).map { $0 * 0.02 }
            let bias = random(c)
            let times = configs.map { cfg in
                let w = WeightMatrix(values, as: cfg.2)
                return EnginePrecision.withCompute(cfg.1) { time { _ = Convolution.conv2d(x, weight: w, bias: bias, outChannels: c, kernel: 3, stride: 1, padding: 1) } }
            }
            row("conv3x3 2x\(c)x\(size)x\(size)", times)
        }
        for (m, k, n) in [(8192, 320, 320), (8192, 320, 2560), (8192, 1280, 320), (2048, 640, 640), (512, 1280, 1280), (128, 1280, 10240)]
            where sections.contains("linear") {
            let x = Tensor(shape: [m, k], data: random(m * k))
            let values = random(n * k).map { $0 * 0.02 }
            let times = configs.map { cfg in
                let w = WeightMatrix(values, as: cfg.2)
                return EnginePrecision.withCompute(cfg.1) { time { _ = Elementwise.linear(x, weight: w, bias: nil, inFeatures: k, outFeatures: n) } }
            }
            row("linear \(m)x\(k)x\(n)", times)
        }
        // Self-attention at SD 1.5's 64² and 32² levels and SD 2.x's 64² level (5 heads of 64), each on the
        // tiled path (score tiles through BLAS / oneDNN) and the fused kernel; cross-attention (77 keys) tiled.
        let saved = Attention.mode
        defer { Attention.mode = saved }
        for (n, m, width, heads) in [(4096, 4096, 320, 8), (1024, 1024, 640, 8), (4096, 4096, 320, 5), (4096, 77, 320, 8)]
            where sections.contains("attention") {
            let q = Tensor(shape: [2, n, width], data: random(2 * n * width))
            let kv = Tensor(shape: [2, m, width], data: random(2 * m * width))
            for mode in m < Attention.bf16MinimumKeys ? ["tiled"] : ["tiled", "flash"] {
                Attention.mode = mode
                let times = configs.map { cfg in
                    EnginePrecision.withCompute(cfg.1) { time { _ = Attention.multiHead(q: q, k: kv, v: kv, heads: heads) } }
                }
                row("attention 2x\(n)x\(m) \(heads)h d\(width / heads) \(mode)", times)
            }
        }
    }
}
